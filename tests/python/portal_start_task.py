"""portal.start_task() waits until the task calls task_status.started()."""
import time

import anyio
from anyio.from_thread import BlockingPortal


async def server(task_status=anyio.TASK_STATUS_IGNORED):
    await anyio.sleep(1)
    print("server: listening")
    task_status.started(8080)
    await anyio.sleep(2)
    print("server: stopping")


def work(portal):
    fut, _ = portal.start_task(server)
    print("thread: server is up")
    time.sleep(1)
    fut.result()
    print("thread: server ended")


async def main():
    async with BlockingPortal() as portal:
        await anyio.to_thread.run_sync(work, portal)
    print("main: done")


anyio.run(main)
