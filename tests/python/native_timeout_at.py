"""asyncio.timeout_at() with an absolute deadline inside a polling loop, and asyncio.sleep."""
import asyncio

import anyio


async def main():
    try:
        async with asyncio.timeout_at(5):
            while True:
                await asyncio.sleep(2)
                print("poll")
    except TimeoutError:
        print("deadline reached")
    async with asyncio.timeout(None):
        await asyncio.sleep(1)
    print("no timeout")


anyio.run(main, backend="asyncio")
