# expect: 12:5: rebinding 'fut' is not supported
import anyio
from anyio.from_thread import BlockingPortal


async def job():
    pass


def work(portal):
    fut = portal.start_task_soon(job)
    fut = portal.start_task_soon(job)


async def main():
    async with BlockingPortal() as portal:
        await anyio.to_thread.run_sync(work, portal)
