"""A task that swallows a cancellation: cancelling() counts the request, uncancel() takes it back."""
import asyncio

import anyio


async def stubborn():
    try:
        await anyio.sleep(10)
    except asyncio.CancelledError:
        print(asyncio.current_task().cancelling())
        asyncio.current_task().uncancel()
        print(asyncio.current_task().cancelling())
    await anyio.sleep(1)
    print("stubborn finished")


async def main():
    t = asyncio.create_task(stubborn())
    await anyio.sleep(1)
    t.cancel()
    print(t.cancelling())
    await t
    print(t.cancelled())


anyio.run(main)
