# expect: 14:55: 'with p.wrap_async_context_manager(...) as v' is not supported (the value is not kept)
from contextlib import asynccontextmanager

import anyio
from anyio.from_thread import BlockingPortal


@asynccontextmanager
async def conn():
    yield 1


def work(portal):
    with portal.wrap_async_context_manager(conn()) as c:
        pass


async def main():
    async with BlockingPortal() as portal:
        await anyio.to_thread.run_sync(work, portal)
