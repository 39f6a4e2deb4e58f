# expect: 7:35: name 'when' as a time is not supported (only a literal)
import asyncio

import anyio

async def bounded(when):
    async with asyncio.timeout_at(when):
        await anyio.sleep(1)


async def main():
    await bounded(5)
