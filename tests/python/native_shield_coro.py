"""asyncio.shield() of a coroutine in a task that gets cancelled: the shielded work goes on without its
waiter; main outlives it and sees the waiter cancelled."""
import asyncio

import anyio


async def flush():
    await anyio.sleep(2)
    print("flushed")


async def handler():
    try:
        await asyncio.shield(flush())
    except asyncio.CancelledError:
        print("handler cancelled, flush goes on")
        raise


async def main():
    t = asyncio.create_task(handler())
    await anyio.sleep(1)
    t.cancel()
    await anyio.sleep(2)
    print(t.cancelled())


anyio.run(main)
