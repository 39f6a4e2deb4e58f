# expect: 12:22: name 'fut' as a value in a thread is not supported (only a value bound by v = p.call(...), f.result(), from_thread.run(...) or p.start_task)
import anyio
from anyio.from_thread import BlockingPortal


async def job():
    pass


def work(portal):
    fut = portal.start_task_soon(job)
    print("future:", fut)


async def main():
    async with BlockingPortal() as portal:
        await anyio.to_thread.run_sync(work, portal)
