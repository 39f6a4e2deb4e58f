# cancelsim: verify
"""Cleanup that awaits needs a shield, or the cancellation interrupts it too."""
import anyio

# What real AnyIO does (checked by tests/t_python.sh).
CANCELSIM_EXPECT = {"result": {"returned": None}, "end_time": 3,
                    "log": [{"t": 3, "msg": "worker: flushed"}, {"t": 3, "msg": "main: moved on"}]}

async def worker():
    try:
        await anyio.sleep(10)
    finally:
        with anyio.CancelScope(shield=True):
            await anyio.sleep(1)
            print("worker: flushed")


async def main():
    with anyio.move_on_after(2):
        async with anyio.create_task_group() as tg:
            tg.start_soon(worker, name="worker")
    print("main: moved on")


anyio.run(main)
