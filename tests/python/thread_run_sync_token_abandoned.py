"""An abandoned worker thread calls from_thread.run_sync with the token after its host moved on."""
import time

import anyio


def note():
    print("loop: note from the abandoned thread")


def work(token):
    time.sleep(2)
    anyio.from_thread.run_sync(note, token=token)
    print("worker: noted")


async def main():
    token = anyio.lowlevel.current_token()
    with anyio.move_on_after(1):
        await anyio.to_thread.run_sync(work, token, abandon_on_cancel=True)
    print("main: moved on")
    await anyio.sleep(3)
    print("main: done")


anyio.run(main)
