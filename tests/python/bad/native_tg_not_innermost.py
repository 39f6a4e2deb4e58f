# expect: 13:13: create_task() on an asyncio.TaskGroup other than the innermost one open here is not supported
import asyncio

import anyio

async def work():
    await anyio.sleep(1)


async def main():
    async with asyncio.TaskGroup() as outer:
        async with asyncio.TaskGroup() as inner:
            outer.create_task(work())
