"""A retry loop with asyncio.timeout: two slow attempts time out, the third is fast enough."""
import asyncio

import anyio


async def attempt(delay):
    async with asyncio.timeout(1):
        await anyio.sleep(delay)
    print("attempt succeeded")


async def main():
    try:
        await attempt(5)
    except TimeoutError:
        print("attempt 1 timed out")
    try:
        await attempt(3)
    except asyncio.TimeoutError:
        print("attempt 2 timed out")
    await attempt(0.5)
    print("done")


anyio.run(main)
