"""A plain thread sets an event in the loop with from_thread.run_sync(ev.set, token=...); main waits for it."""
import threading
import time

import anyio

ready = anyio.Event()


def loader(token):
    print("loader: loading")
    time.sleep(2)
    anyio.from_thread.run_sync(ready.set, token=token)
    print("loader: signalled")


async def main():
    token = anyio.lowlevel.current_token()
    threading.Thread(target=loader, args=(token,), daemon=True).start()
    with anyio.move_on_after(5) as scope:
        await ready.wait()
    print("main: ready")
    print(scope.cancelled_caught)


anyio.run(main)
