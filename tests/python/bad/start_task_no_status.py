# expect: 11:32: name 'job' as the function of start_task() is not supported (only an async def of the file taking task_status)
import anyio
from anyio.from_thread import BlockingPortal


async def job():
    pass


def work(portal):
    fut, _ = portal.start_task(job)


async def main():
    async with BlockingPortal() as portal:
        await anyio.to_thread.run_sync(work, portal)
