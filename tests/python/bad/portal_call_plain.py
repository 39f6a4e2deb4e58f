# expect: 11:17: name 'helper' as the function of p.call() is not supported (only an async def of the file)
import anyio
from anyio.from_thread import BlockingPortal


def helper():
    pass


def work(portal):
    portal.call(helper)


async def main():
    async with BlockingPortal() as portal:
        await anyio.to_thread.run_sync(work, portal)
