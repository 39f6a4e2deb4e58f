"""start_task_soon returns a future at once; the thread works on, then waits for result()."""
import time

import anyio
from anyio.from_thread import BlockingPortal


async def job():
    print("job started")
    await anyio.sleep(3)
    print("job finished")


def work(portal):
    fut = portal.start_task_soon(job)
    print("thread: job submitted")
    time.sleep(1)
    print("thread: waiting for the job")
    fut.result()
    print("thread: job done")


async def main():
    async with BlockingPortal() as portal:
        await anyio.to_thread.run_sync(work, portal)
    print("main: done")


anyio.run(main)
