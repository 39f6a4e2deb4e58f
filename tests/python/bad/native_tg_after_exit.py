# expect: 13:5: create_task() on an asyncio.TaskGroup other than the innermost one open here is not supported
import asyncio

import anyio

async def work():
    await anyio.sleep(1)


async def main():
    async with asyncio.TaskGroup() as tg:
        pass
    tg.create_task(work())
