# A child fails: the group cancels its sibling, and anyio.run raises the group.
import sys

import anyio


async def child(name, delay, fail=False):
    try:
        await anyio.sleep(delay)
        if fail:
            raise ValueError("boom from " + name)
        print("end", name, "completed")
    except anyio.get_cancelled_exc_class():
        print("end", name, "cancelled")
        raise


async def main():
    with anyio.move_on_after(5):
        async with anyio.create_task_group() as tg:
            tg.start_soon(child, "a", 0.1, name="a")
            tg.start_soon(child, "b", 0.3, name="b")
            tg.start_soon(child, "c", 0.2, True, name="c")
    print("unreachable")


anyio.run(main, backend=sys.argv[1] if len(sys.argv) > 1 else "asyncio")
