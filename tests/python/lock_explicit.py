"""Explicit acquire()/release() on a lock, acquire_nowait() raising WouldBlock,
and a capacity limiter borrowed on behalf of a named job."""
import anyio

lock = anyio.Lock()
db = anyio.CapacityLimiter(1)


async def holder():
    await lock.acquire()
    print("holder has the lock")
    await anyio.sleep(1)
    lock.release()


async def prober():
    await anyio.sleep(0.5)
    try:
        lock.acquire_nowait()
    except anyio.WouldBlock:
        print("would block")
    await lock.acquire()
    print("prober has the lock")
    lock.release()


async def main():
    async with anyio.create_task_group() as tg:
        tg.start_soon(holder, name="holder")
        tg.start_soon(prober, name="prober")
    await db.acquire_on_behalf_of("job")
    db.release_on_behalf_of("job")
    print("done")


anyio.run(main)
