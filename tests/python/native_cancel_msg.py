"""Cancelling a native task with a message: the task sees the cancellation, cleans up, and awaiting it raises."""
import asyncio

import anyio


async def worker():
    try:
        await anyio.sleep(10)
    except asyncio.CancelledError:
        print("worker cancelled")
        raise
    finally:
        print("worker cleanup")


async def main():
    t = asyncio.create_task(worker())
    await anyio.sleep(1)
    t.cancel("shutting down")
    try:
        await t
    except asyncio.CancelledError:
        print("main saw the cancellation")
    print(t.cancelled())


anyio.run(main)
