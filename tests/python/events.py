"""One task waits on an event, another sets it."""
import anyio

ready = anyio.Event()


async def waiter():
    print("waiting")
    await ready.wait()
    print("got it")


async def setter():
    await anyio.sleep(2)
    print("setting")
    ready.set()


async def main():
    async with anyio.create_task_group() as tg:
        tg.start_soon(waiter, name="waiter")
        tg.start_soon(setter, name="setter")


anyio.run(main)
