# expect: 8:26: asyncio.shield() of name 'fut' is not supported (only a task or a coroutine)
import asyncio

import anyio

async def main():
    fut = asyncio.get_running_loop().create_future()
    await asyncio.shield(fut)
