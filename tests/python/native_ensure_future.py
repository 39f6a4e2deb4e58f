"""Tasks made by asyncio.ensure_future() and loop.create_task(); a worker that takes back the first
cancellation it gets (me = asyncio.current_task(); me.uncancel()) and finishes its batch."""
import asyncio

import anyio


async def batch():
    me = asyncio.current_task()
    try:
        await anyio.sleep(5)
    except asyncio.CancelledError:
        print(me.cancelling())
        me.uncancel()
        print("first cancellation taken back")
    await anyio.sleep(1)
    print("batch finished")


async def ping():
    await anyio.sleep(0.5)
    print("ping")


async def main():
    loop = asyncio.get_running_loop()
    t = asyncio.ensure_future(batch())
    p = loop.create_task(ping(), name="pinger")
    await p
    await anyio.sleep(0.5)
    t.cancel()
    await t
    print(t.cancelled())


anyio.run(main)
