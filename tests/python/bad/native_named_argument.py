# expect: 12:34: the named value 'd' as an argument of a coroutine given to asyncio.create_task() is not supported (the task does not see it; a literal is)
import asyncio

import anyio

async def work(d):
    await anyio.sleep(d)


async def main():
    d = 1
    t = asyncio.create_task(work(d))
    await t
