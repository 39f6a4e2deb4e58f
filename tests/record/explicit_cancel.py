# main cancels a group of two workers and returns a value.
import sys

import anyio


async def worker(name):
    try:
        await anyio.sleep_forever()
    except anyio.get_cancelled_exc_class():
        print("end", name, "cancelled")
        raise


async def main():
    async with anyio.create_task_group() as tg:
        tg.start_soon(worker, "w1", name="w1")
        tg.start_soon(worker, "w2", name="w2")
        await anyio.sleep(0.1)
        print("cancelling")
        tg.cancel_scope.cancel()
    return 42


anyio.run(main, backend=sys.argv[1] if len(sys.argv) > 1 else "asyncio")
