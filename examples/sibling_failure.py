# cancelsim: verify
"""A child fails: the task group cancels its sibling, then raises an ExceptionGroup."""
import anyio

# What real AnyIO does (checked by tests/t_python.sh): the group holds only the
# failure; its message differs between the backends.
CANCELSIM_EXPECT = {"result": {"raised": {"type": "ExceptionGroup",
                                          "exceptions": [{"type": "ValueError", "message": "boom"}]}},
                    "end_time": 1, "tasks": {"watchdog": {"state": "cancelled"}}}
CANCELSIM_EXPECT_BY_BACKEND = {"asyncio": {"result": {"raised": {"message": "unhandled errors in a TaskGroup"}}},
                               "trio": {"result": {"raised": {"message": "Exceptions from Trio nursery"}}}}

async def fetch():
    await anyio.sleep(1)
    raise ValueError("boom")


async def watchdog():
    try:
        await anyio.sleep_forever()
    finally:
        print("cancelled, cleaning up")


async def main():
    async with anyio.create_task_group() as tg:
        tg.start_soon(fetch, name="fetch")
        tg.start_soon(watchdog, name="watchdog")


anyio.run(main)
