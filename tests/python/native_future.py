"""A bare asyncio future: waiting on it in an AnyIO scope that times out cancels the future; another
future set before it is awaited is no wait at all."""
import asyncio

import anyio


async def main():
    loop = asyncio.get_running_loop()
    fut = loop.create_future()
    with anyio.move_on_after(1) as scope:
        await fut
    if scope.cancelled_caught:
        print("gave up waiting")
    ready = asyncio.get_running_loop().create_future()
    ready.set_result(None)
    await ready
    print("ready was ready")
    gone = loop.create_future()
    gone.cancel("not needed")
    try:
        await gone
    except asyncio.CancelledError:
        print("gone was cancelled")


anyio.run(main)
