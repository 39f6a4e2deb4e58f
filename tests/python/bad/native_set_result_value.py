# expect: 8:5: set_result() other than set_result(None) is not supported
import asyncio

import anyio

async def main():
    fut = asyncio.get_running_loop().create_future()
    fut.set_result(5)
    await fut
