"""A worker thread calls back into the event loop and checks for cancellation."""
import time

import anyio


async def in_loop():
    await anyio.sleep(1)
    print("loop: called from the thread")


def work():
    time.sleep(1)
    anyio.from_thread.run(in_loop)
    anyio.from_thread.check_cancelled()
    print("thread: not cancelled")
    raise ValueError("from the thread")


async def main():
    try:
        await anyio.to_thread.run_sync(work)
    except ValueError:
        print("main: caught the thread's error")


anyio.run(main)
