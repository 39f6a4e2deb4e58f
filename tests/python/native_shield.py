"""asyncio.shield() inside an AnyIO move_on_after: the scope cancels only the wait, the task goes on."""
import asyncio

import anyio


async def save():
    await anyio.sleep(3)
    print("saved")


async def main():
    t = asyncio.create_task(save())
    with anyio.move_on_after(1) as scope:
        await asyncio.shield(t)
    if scope.cancelled_caught:
        print("stopped waiting")
    print(t.done())
    await t
    print(t.done())


anyio.run(main)
