"""A native asyncio task that runs an AnyIO task group: a failing child cancels its sibling, the task
fails with the group's ExceptionGroup, and awaiting it in main raises that group."""
import asyncio

import anyio


async def child(delay):
    await anyio.sleep(delay)
    raise OSError("disk full")


async def sibling():
    try:
        await anyio.sleep(10)
    finally:
        print("sibling cancelled")


async def worker():
    async with anyio.create_task_group() as tg:
        tg.start_soon(child, 1)
        tg.start_soon(sibling)


async def main():
    t = asyncio.create_task(worker())
    try:
        await t
    except* OSError:
        print("worker failed with OSError")
    print(t.done())


anyio.run(main)
