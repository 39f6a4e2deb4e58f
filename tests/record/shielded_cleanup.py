# A cancelled task runs its cleanup under a shield: the cleanup's sleep completes.
import sys

import anyio


async def worker():
    try:
        await anyio.sleep(10)
    finally:
        with anyio.CancelScope(shield=True):
            await anyio.sleep(0.1)
            print("cleanup done")
        print("end worker cancelled")


async def main():
    async with anyio.create_task_group() as tg:
        tg.start_soon(worker, name="worker")
        await anyio.sleep(0.1)
        tg.cancel_scope.cancel()
    print("main done")


anyio.run(main, backend=sys.argv[1] if len(sys.argv) > 1 else "asyncio")
