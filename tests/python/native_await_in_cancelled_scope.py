"""Awaiting a native task inside a cancelled AnyIO scope cancels the task itself (the awaiter cancels its
_fut_waiter); then uncancel() inside asyncio.timeout does not stop the timeout from raising TimeoutError."""
import asyncio
import anyio


async def sleeper():
    await anyio.sleep(3)
    print("sleeper done")


async def main():
    t = asyncio.create_task(sleeper())
    with anyio.CancelScope() as s:
        s.cancel()
        await t
    print(t.cancelled())
    print(s.cancelled_caught)
    async with asyncio.timeout(1):
        asyncio.current_task().uncancel()
        await anyio.sleep(2)


anyio.run(main)
