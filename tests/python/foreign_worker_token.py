"""A worker thread calls from_thread.run with a token while its host's scope is cancelled (abandoned thread)."""
import time

import anyio


async def report():
    print("loop: reporting")
    await anyio.sleep(1)
    print("loop: reported")


def work(token):
    time.sleep(2)
    anyio.from_thread.run(report, token=token)
    print("worker: back")


async def main():
    token = anyio.lowlevel.current_token()
    with anyio.move_on_after(1):
        await anyio.to_thread.run_sync(work, token, abandon_on_cancel=True)
    print("main: moved on")
    await anyio.sleep(5)
    print("main: done")


anyio.run(main)
