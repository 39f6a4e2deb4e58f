# expect: 12:15: work() takes 2 arguments, 1 given
import anyio
from anyio.from_thread import BlockingPortal


def work(portal, other):
    pass


async def main():
    async with BlockingPortal() as portal:
        await anyio.to_thread.run_sync(work, portal)
