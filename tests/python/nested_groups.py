"""A child of an inner group fails; the outer group's other child is cancelled too."""
import anyio


async def bad():
    await anyio.sleep(1)
    raise ValueError("inner")


async def forever():
    try:
        await anyio.sleep_forever()
    finally:
        print("cleanup")


async def inner():
    async with anyio.create_task_group() as tg2:
        tg2.start_soon(bad, name="bad")
        tg2.start_soon(forever, name="forever_inner")


async def main():
    async with anyio.create_task_group() as tg:
        tg.start_soon(inner, name="inner")
        tg.start_soon(forever, name="forever_outer")


anyio.run(main)
