"""A Condition's own acquire() / release() / acquire_nowait(): the lock is the
Condition's, and acquire() makes the task the owner that notify() checks
(release() leaves the owner as it was, as AnyIO does)."""
import anyio

cond = anyio.Condition()


async def waiter():
    async with cond:
        print("waiter waits")
        await cond.wait()
        print("waiter woken")


async def main():
    async with anyio.create_task_group() as tg:
        tg.start_soon(waiter, name="waiter")
        await anyio.sleep(1)
        await cond.acquire()
        cond.notify()
        print("notified")
        cond.release()
    try:
        cond.acquire_nowait()
        print("acquired without waiting")
    finally:
        cond.release()


anyio.run(main)
