"""A BlockingPortal in async code; a worker thread calls into it with portal.call()."""
import time

import anyio
from anyio.from_thread import BlockingPortal


async def fetch():
    print("portal task: fetching")
    await anyio.sleep(2)
    print("portal task: fetched")


def work(portal):
    time.sleep(1)
    print("thread: calling")
    portal.call(fetch)
    print("thread: call returned")


async def main():
    async with BlockingPortal() as portal:
        await anyio.to_thread.run_sync(work, portal)
        print("main: thread done")
    print("main: portal closed")


anyio.run(main)
