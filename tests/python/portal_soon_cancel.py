"""A thread cancels the future of a running start_task_soon task: result() raises CancelledError."""
import time

import anyio
from anyio.from_thread import BlockingPortal


async def slow():
    try:
        await anyio.sleep(10)
    finally:
        print("slow: cleaning up")


def work(portal):
    fut = portal.start_task_soon(slow, name="slow")
    time.sleep(1)
    fut.cancel()
    print("thread: cancelled the future")
    fut.result()


async def main():
    async with BlockingPortal() as portal:
        try:
            await anyio.to_thread.run_sync(work, portal)
        except Exception:
            print("main: the thread's result() raised")
    print("main: done")


anyio.run(main)
