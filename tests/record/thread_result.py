# Two worker threads compute results while a ticker runs beside them.
import sys

import anyio
import anyio.to_thread


def compute(n):
    return sum(range(n))


async def job(name, n):
    value = await anyio.to_thread.run_sync(compute, n)
    print(name, "got", value)
    print("end", name, "completed")


async def main():
    async with anyio.create_task_group() as tg:
        tg.start_soon(job, "j1", 10, name="j1")
        await anyio.sleep(0.1)
        tg.start_soon(job, "j2", 100, name="j2")
    print("all done")


anyio.run(main, backend=sys.argv[1] if len(sys.argv) > 1 else "asyncio")
