# expect: 11:5: assignment in a thread is not supported (only f = p.start_task_soon(...) and f, _ = p.start_task(...); a value a call returns is not kept)
import anyio
from anyio.from_thread import BlockingPortal


async def job():
    return 1


def work(portal):
    n = portal.call(job)


async def main():
    async with BlockingPortal() as portal:
        await anyio.to_thread.run_sync(work, portal)
