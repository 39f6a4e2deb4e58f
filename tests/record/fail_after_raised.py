# A TimeoutError nobody catches: anyio.run raises it.
import sys

import anyio


async def worker():
    with anyio.fail_after(0.1):
        await anyio.sleep(0.2)
    print("not reached")


async def main():
    print("start")
    await worker()


anyio.run(main, backend=sys.argv[1] if len(sys.argv) > 1 else "asyncio")
