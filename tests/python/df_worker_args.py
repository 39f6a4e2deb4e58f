"""tg.start_soon(worker, arg, ..., name=...): arguments taken at the spawn; an
event passed to a worker that waits on it."""
import anyio

ready = anyio.Event()


async def worker(label, delay_class):
    await anyio.sleep(1)
    print("worker", label, "is", delay_class)
    if delay_class == "slow":
        await anyio.sleep(1)
        print(label, "done late")


async def waiter(ev, label):
    await ev.wait()
    print(label, "woke")


async def main():
    label = "first"
    async with anyio.create_task_group() as tg:
        tg.start_soon(worker, label, "slow", name="a")
        tg.start_soon(waiter, ready, "w")
        await anyio.sleep(0.5)
        label = "second"
        tg.start_soon(worker, label, "fast", name="b")
        ready.set()
    print("main ends with", label)


anyio.run(main)
