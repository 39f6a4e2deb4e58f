# log() lines with values, from two tasks, a warning through logging, and a
# program that only defines main: the recorder runs it through anyio.run itself.
import logging

import anyio
from cancelsim_record import log


async def tick(name, n):
    for i in range(n):
        await anyio.sleep(0.05)
        log(name + " tick", i)
    print("end", name, "completed")


async def main():
    async with anyio.create_task_group() as tg:
        tg.start_soon(tick, "t1", 2, name="t1")
        tg.start_soon(tick, "t2", 3, name="t2")
    logging.warning("all %d ticks done", 5)
    log("ok", True)
