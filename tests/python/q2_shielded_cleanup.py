"""Question 2: does cleanup in a finally block get to await when the task is cancelled?"""
import anyio


async def worker():
    try:
        await anyio.sleep(10)
    finally:
        with anyio.CancelScope(shield=True):
            await anyio.sleep(1)
            print("worker: shielded cleanup done")
        print("worker: after the shield")


async def main():
    async with anyio.create_task_group() as tg:
        tg.start_soon(worker, name="worker")
        await anyio.sleep(2)
        tg.cancel_scope.cancel()
    print("main: group exited")


anyio.run(main)
