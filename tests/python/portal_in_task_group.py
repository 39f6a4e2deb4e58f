"""A portal opened inside a task group: a start_soon there goes to the outer group; a failing portal call does not touch it."""
import time

import anyio
from anyio.from_thread import BlockingPortal


async def ticker():
    for _ in range(3):
        await anyio.sleep(1)
        print("tick")


async def fails():
    await anyio.sleep(0.5)
    raise ValueError("bad request")


def work(portal):
    time.sleep(0.5)
    portal.call(fails)


async def main():
    async with anyio.create_task_group() as tg:
        async with BlockingPortal() as portal:
            tg.start_soon(ticker)
            try:
                await anyio.to_thread.run_sync(work, portal)
            except ValueError as exc:
                print("main: call failed:", exc)
        print("main: portal closed")
    print("main: group done")


anyio.run(main)
