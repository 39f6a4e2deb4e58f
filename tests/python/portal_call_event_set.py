"""portal.call(ev.set) of a plain method: a task waiting in the portal's host wakes."""
import time

import anyio
from anyio.from_thread import BlockingPortal

go = anyio.Event()


async def waiter():
    await go.wait()
    print("waiter: released")


def work(portal):
    time.sleep(1.5)
    portal.call(go.set)
    print("thread: released the waiter")


async def main():
    async with anyio.create_task_group() as tg:
        tg.start_soon(waiter)
        async with BlockingPortal() as portal:
            await anyio.to_thread.run_sync(work, portal)
    print("main: done")


anyio.run(main)
