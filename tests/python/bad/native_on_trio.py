# expect: 11:9: asyncio.create_task() on the Trio backend is not supported (anyio.run(main, backend="trio"): real AnyIO raises RuntimeError: no running event loop)
import asyncio

import anyio

async def work():
    await anyio.sleep(1)


async def main():
    t = asyncio.create_task(work())
    await t


anyio.run(main, backend="trio")
