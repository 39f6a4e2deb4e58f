"""Question 1: a child fails; what happens to its sibling and what does anyio.run raise?"""
import anyio


async def fails():
    await anyio.sleep(1)
    print("a: about to fail")
    raise ValueError("boom")


async def waits():
    try:
        await anyio.sleep_forever()
    finally:
        print("b: cleaning up")


async def main():
    async with anyio.create_task_group() as tg:
        tg.start_soon(fails, name="a")
        tg.start_soon(waits, name="b")
    print("never printed")


anyio.run(main)
