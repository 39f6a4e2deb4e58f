"""asyncio.TaskGroup: the first failure cancels the others in creation order; a task created later in the
body never runs once the group is shutting down."""
import asyncio

import anyio


async def job(delay, label):
    try:
        await anyio.sleep(delay)
        print(label)
    except asyncio.CancelledError:
        print("cancelled")
        raise


async def fail():
    await anyio.sleep(1)
    raise KeyError("missing")


async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            a = tg.create_task(job(0.5, "a done"))
            b = tg.create_task(job(3, "b done"))
            tg.create_task(fail())
            await anyio.sleep(2)
            print("body not reached")
    except* KeyError:
        print("KeyError caught")
    print(a.done())
    print(b.cancelled())


anyio.run(main)
