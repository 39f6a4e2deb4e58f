# expect: 12:28: asyncio.wait_for() of name 't' is not supported (only a coroutine: the format's wait_for makes the task)
import asyncio

import anyio

async def work():
    await anyio.sleep(1)


async def main():
    t = asyncio.create_task(work())
    await asyncio.wait_for(t, 2)
