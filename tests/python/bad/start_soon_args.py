# expect: 9:31: arguments to the spawned function are not supported
import anyio

async def worker():
    pass

async def main():
    async with anyio.create_task_group() as tg:
        tg.start_soon(worker, 1)
