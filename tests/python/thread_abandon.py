"""abandon_on_cancel=True: the host stops waiting; the thread's error is lost."""
import time

import anyio

limiter = anyio.CapacityLimiter(1)


def work():
    time.sleep(3)
    raise OSError("disk")


async def main():
    with anyio.move_on_after(1):
        await anyio.to_thread.run_sync(work, abandon_on_cancel=True, limiter=limiter)
    print("main: abandoned the thread")
    await anyio.sleep(5)
    print("main: end")


anyio.run(main)
