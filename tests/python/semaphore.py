"""A semaphore of 2 lets two of three workers in at a time."""
import anyio

pool = anyio.Semaphore(2)


async def worker():
    async with pool:
        print("in")
        await anyio.sleep(1)


async def main():
    async with anyio.create_task_group() as tg:
        tg.start_soon(worker, name="w1")
        tg.start_soon(worker, name="w2")
        tg.start_soon(worker, name="w3")
    print("all done")


anyio.run(main)
