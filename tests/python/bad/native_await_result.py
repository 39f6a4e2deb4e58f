# expect: 12:9: assigning what 'await' of name 't' returns is not supported (await it as a statement)
import asyncio

import anyio

async def work():
    return 1


async def main():
    t = asyncio.create_task(work())
    x = await t
