"""An asyncio.TaskGroup inside an AnyIO move_on_after: the AnyIO deadline cancels the body, the
TaskGroup cancels its unfinished tasks and waits for them, and move_on_after swallows the cancellation."""
import asyncio

import anyio


async def job(delay, label):
    try:
        await anyio.sleep(delay)
        print(label)
    finally:
        print("job over")


async def main():
    with anyio.move_on_after(1) as scope:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(job(0.5, "quick job done"))
            tg.create_task(job(5, "slow job done"))
    if scope.cancelled_caught:
        print("gave up after 1s")


anyio.run(main)
