"""An asyncio.TaskGroup nested in an AnyIO task group, a child failing in each at the same instant: the
AnyIO group gathers its own child's error and the asyncio group's ExceptionGroup."""
import asyncio
import anyio


async def child():
    await anyio.sleep(1)
    raise ValueError("child")


async def main():
    async with anyio.create_task_group() as tg:
        async with asyncio.TaskGroup() as ntg:
            ntg.create_task(child())
            tg.start_soon(child)
            await anyio.sleep(5)


anyio.run(main)
