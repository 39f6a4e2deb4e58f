# expect: 12:8: t.done() as a condition is not supported (only print(t.done()))
import asyncio

import anyio

async def work():
    await anyio.sleep(1)


async def main():
    t = asyncio.create_task(work())
    if t.done():
        print("done")
