"""Semaphore(1, max_value=1): a second release() raises ValueError; Lock(fast_acquire=True)
takes a free lock without letting the sibling run first."""
import anyio

sem = anyio.Semaphore(1, max_value=1)
lock = anyio.Lock(fast_acquire=True)


async def first():
    await lock.acquire()
    print("first has the lock")
    lock.release()


async def second():
    print("second runs")


async def main():
    async with anyio.create_task_group() as tg:
        tg.start_soon(first, name="first")
        tg.start_soon(second, name="second")
    await sem.acquire()
    sem.release()
    try:
        sem.release()
    except ValueError as exc:
        print("released too many times")


anyio.run(main)
