"""async def worker(delay): await anyio.sleep(delay): durations from
parameters, for sleep, move_on_after and fail_after."""
import anyio


async def worker(delay, label):
    await anyio.sleep(delay)
    print(label, "slept", delay)
    with anyio.move_on_after(delay) as scope:
        await anyio.sleep_forever()
    if scope.cancelled_caught:
        print(label, "moved on")


async def deadline(t):
    try:
        with anyio.fail_after(t):
            await anyio.sleep(5)
    except TimeoutError:
        print("timed out after", t)


async def main():
    async with anyio.create_task_group() as tg:
        tg.start_soon(worker, 1.5, "a", name="a")
        tg.start_soon(worker, 1, "b", name="b")
    await deadline(2)


anyio.run(main)
