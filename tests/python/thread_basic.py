"""A worker thread blocks for 2 s while the event loop keeps going."""
import time

import anyio


def work():
    print("thread: working")
    time.sleep(2)
    print("thread: done")
    return 7


async def ticker():
    for _ in range(3):
        await anyio.sleep(0.5)
        print("tick")


async def main():
    async with anyio.create_task_group() as tg:
        tg.start_soon(ticker, name="ticker")
        await anyio.to_thread.run_sync(work)
        print("main: thread returned")


anyio.run(main)
