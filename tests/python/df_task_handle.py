"""tg.create_task(): a handle's status before and after, its return value
through await, a handle cancelled while it runs."""
import anyio
from anyio import TaskHandle


async def compute(n):
    await anyio.sleep(1)
    return n


async def forever():
    await anyio.sleep_forever()


async def main():
    async with anyio.create_task_group() as tg:
        h = tg.create_task(compute(7), name="compute")
        if h.status == TaskHandle.Status.PENDING:
            print("pending")
        value = await h
        print("compute gave", value)
        if h.status == TaskHandle.Status.FINISHED:
            print("finished")
        f = tg.create_task(forever(), name="forever")
        await anyio.sleep(1)
        f.cancel()
        if f.status == anyio.TaskHandle.Status.CANCELLING:
            print("cancelling")
        await anyio.sleep(0.5)
        if f.status != TaskHandle.Status.FINISHED:
            print("not finished")
        if f.status == TaskHandle.Status.CANCELLED:
            print("cancelled")


anyio.run(main)
