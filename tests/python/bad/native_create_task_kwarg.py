# expect: 11:41: asyncio.create_task() with context= is not supported
import asyncio

import anyio

async def work():
    await anyio.sleep(1)


async def main():
    asyncio.create_task(work(), context=None)
