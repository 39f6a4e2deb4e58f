# expect: 9:9: worker() takes 0 arguments, 1 given
import anyio

async def worker():
    pass

async def main():
    async with anyio.create_task_group() as tg:
        tg.start_soon(worker, 1)
