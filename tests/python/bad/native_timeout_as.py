# expect: 7:38: 'async with asyncio.timeout() as' is not supported
import asyncio

import anyio

async def main():
    async with asyncio.timeout(1) as cm:
        await anyio.sleep(2)
