# expect: 12:5: call of t.set_result is not supported
import asyncio

import anyio

async def work():
    await anyio.sleep(1)


async def main():
    t = asyncio.create_task(work())
    t.set_result(None)
