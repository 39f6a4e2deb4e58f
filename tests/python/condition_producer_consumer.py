"""A consumer waits on a Condition until the producer notifies it; a second
waiter gives up after a timeout, re-acquiring the lock before it leaves.
notify() after `async with plain` has exited does not raise: AnyIO never
clears a Condition's owner, so "not holding the lock" is never printed."""
import anyio

lock = anyio.Lock()
cond = anyio.Condition(lock)
plain = anyio.Condition()


async def consumer():
    async with cond:
        print("consumer waits")
        await cond.wait()
        print("consumer woken")


async def impatient():
    async with cond:
        with anyio.move_on_after(1):
            await cond.wait()
        print("impatient gave up, holding the lock again")
        await anyio.sleep(1)
    print("impatient released")


async def producer():
    await anyio.sleep(3)
    async with cond:
        cond.notify()
        print("producer notified")
    async with plain:
        plain.notify(2)
        plain.notify_all()
    try:
        plain.notify()
    except RuntimeError:
        print("not holding the lock")


async def main():
    async with anyio.create_task_group() as tg:
        tg.start_soon(consumer)
        tg.start_soon(impatient)
        tg.start_soon(producer)


anyio.run(main)
