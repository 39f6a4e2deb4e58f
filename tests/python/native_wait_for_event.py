"""asyncio.wait_for() of AnyIO awaitables: an Event not set in time, then set within a longer timeout, then a
zero timeout, which cancels the work before it starts and raises TimeoutError out of the task group."""
import asyncio
import anyio

ready = anyio.Event()


async def setter():
    await anyio.sleep(2)
    ready.set()


async def main():
    async with anyio.create_task_group() as tg:
        tg.start_soon(setter)
        try:
            await asyncio.wait_for(ready.wait(), 1)
        except TimeoutError:
            print("not ready after 1s")
        await asyncio.wait_for(ready.wait(), timeout=5)
        print("ready")
        await asyncio.wait_for(anyio.sleep(1), 0)
        print("not reached")


anyio.run(main)
