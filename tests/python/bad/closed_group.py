# expect: 10:5: start_soon() on a task group that is not open here is not supported
import anyio

async def worker():
    pass

async def main():
    async with anyio.create_task_group() as tg:
        pass
    tg.start_soon(worker)
