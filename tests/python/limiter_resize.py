"""A CapacityLimiter raised from 1 to 3 tokens while workers wait for it (lim.total_tokens = 3), then
made unlimited; a Condition's statistics taken on the way."""
import math

import anyio

lim = anyio.CapacityLimiter(1)
cond = anyio.Condition()


async def worker(label):
    async with lim:
        await anyio.sleep(2)
        print(label)


async def main():
    async with anyio.create_task_group() as tg:
        tg.start_soon(worker, "w1")
        tg.start_soon(worker, "w2")
        tg.start_soon(worker, "w3")
        tg.start_soon(worker, "w4")
        await anyio.sleep(1)
        lim.total_tokens = 3
        print("resized")
        cond.statistics()
        await anyio.sleep(0.5)
        lim.total_tokens = math.inf
    print("all done")


anyio.run(main)
