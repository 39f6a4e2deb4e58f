"""Timeouts from parameters: asyncio.timeout(limit) and asyncio.wait_for(..., limit) in a helper called
with different limits."""
import asyncio

import anyio


async def step(d):
    await anyio.sleep(d)
    print("step done")


async def bounded(limit):
    try:
        async with asyncio.timeout(limit):
            await anyio.sleep(2)
        print("within the limit")
    except TimeoutError:
        print("over the limit")
    try:
        await asyncio.wait_for(step(1), limit)
    except TimeoutError:
        print("wait_for over the limit")


async def main():
    await bounded(3)
    await bounded(0.5)


anyio.run(main)
