# expect: 11:9: assigning what 'await' of call of asyncio.wait_for returns is not supported (await it as a statement)
import asyncio

import anyio

async def work():
    return 1


async def main():
    x = await asyncio.wait_for(work(), 2)
