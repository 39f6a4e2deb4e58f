"""A worker thread wakes a task through anyio.from_thread.run_sync: ev.set runs in the event loop."""
import time

import anyio

ev = anyio.Event()


def poke():
    print("loop: poked from the thread")
    ev.set()


def work():
    time.sleep(1)
    anyio.from_thread.run_sync(poke)
    print("thread: poked")
    time.sleep(1)
    anyio.from_thread.run_sync(ev.set)
    print("thread: set again")


async def waiter():
    await ev.wait()
    print("waiter woke")


async def main():
    async with anyio.create_task_group() as tg:
        tg.start_soon(waiter)
        await anyio.to_thread.run_sync(work)
    print("main done")


anyio.run(main)
