# expect: 7:5: asyncio.current_task().cancel() here is not supported (only uncancel(), and print() of cancelling(), done() or cancelled())
import asyncio

import anyio

async def main():
    asyncio.current_task().cancel()
    await anyio.sleep(1)
