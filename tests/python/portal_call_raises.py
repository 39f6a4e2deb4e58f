"""portal.call() of a function that raises: the thread gets the exception, and so does to_thread's caller."""
import anyio
from anyio.from_thread import BlockingPortal


async def broken():
    await anyio.sleep(1)
    raise KeyError("missing")


def work(portal):
    portal.call(broken)
    print("thread: not reached")


async def main():
    async with BlockingPortal() as portal:
        try:
            await anyio.to_thread.run_sync(work, portal)
        except KeyError:
            print("main: the call failed")
    print("main: done")


anyio.run(main)
