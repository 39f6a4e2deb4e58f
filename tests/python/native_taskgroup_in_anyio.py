"""An asyncio.TaskGroup inside an AnyIO task group: a failing native task cancels its sibling, and the
ExceptionGroup of the asyncio group fails the AnyIO group too."""
import asyncio

import anyio


async def slow():
    try:
        await anyio.sleep(5)
    finally:
        print("slow cleaned up")


async def broken():
    await anyio.sleep(1)
    raise ValueError("broken")


async def native_part():
    async with asyncio.TaskGroup() as tg:
        tg.create_task(slow())
        tg.create_task(broken())


async def anyio_sibling():
    try:
        await anyio.sleep(10)
    finally:
        print("anyio sibling cancelled")


async def main():
    async with anyio.create_task_group() as tg:
        tg.start_soon(native_part)
        tg.start_soon(anyio_sibling)


anyio.run(main)
