"""Two tasks take turns with a lock."""
import anyio

lock = anyio.Lock()


async def first():
    async with lock:
        print("first has the lock")
        await anyio.sleep(1)
    print("first released")


async def second():
    await anyio.sleep(0.5)
    async with lock:
        print("second has the lock")


async def main():
    async with anyio.create_task_group() as tg:
        tg.start_soon(first, name="first")
        tg.start_soon(second, name="second")


anyio.run(main)
