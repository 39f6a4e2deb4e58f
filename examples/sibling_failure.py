# cancelsim: verify
"""A child fails: the task group cancels its sibling, then raises an ExceptionGroup."""
import anyio


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
