"""with portal.wrap_async_context_manager(cm()) in a worker thread: enter and exit run in the loop."""
import time
from contextlib import asynccontextmanager

import anyio
from anyio.from_thread import BlockingPortal


@asynccontextmanager
async def connection():
    print("cm: connecting")
    await anyio.sleep(1)
    try:
        yield "conn"
    finally:
        print("cm: closing")
        await anyio.sleep(1)


def work(portal):
    with portal.wrap_async_context_manager(connection()):
        print("thread: using the connection")
        time.sleep(2)
    print("thread: connection closed")


async def main():
    async with BlockingPortal() as portal:
        await anyio.to_thread.run_sync(work, portal)
    print("main: done")


anyio.run(main)
