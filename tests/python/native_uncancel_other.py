"""A supervisor acknowledges its worker's swallowed cancellation with t.uncancel(), so the worker's later
asyncio.timeout raises TimeoutError as it should (CPython gh-102780's trap)."""
import asyncio

import anyio


async def worker():
    try:
        await anyio.sleep(5)
    except asyncio.CancelledError:
        print("worker swallows the cancellation")
    await anyio.sleep(1)
    try:
        async with asyncio.timeout(1):
            await anyio.sleep(5)
    except TimeoutError:
        print("worker timed out")
    print(asyncio.current_task().cancelling())


async def main():
    t = asyncio.create_task(worker())
    await anyio.sleep(1)
    t.cancel()
    await anyio.lowlevel.checkpoint()
    print(t.cancelling())
    t.uncancel()
    await t


anyio.run(main)
