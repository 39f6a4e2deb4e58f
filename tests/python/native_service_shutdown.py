"""A small service: an AnyIO server started with tg.start(), a native asyncio metrics task, and a
shutdown that cancels the group, flushes under asyncio.shield() and bounds the wait with asyncio.timeout."""
import asyncio

import anyio


async def server(task_status=anyio.TASK_STATUS_IGNORED):
    task_status.started("ready")
    try:
        await anyio.sleep_forever()
    finally:
        print("server stopped")


async def metrics():
    try:
        while True:
            await anyio.sleep(1)
            print("metrics tick")
    except asyncio.CancelledError:
        print("metrics stopped")
        raise


async def flush():
    await anyio.sleep(0.5)
    print("flushed")


async def main():
    m = asyncio.create_task(metrics(), name="metrics")
    async with anyio.create_task_group() as tg:
        srv = await tg.start(server, return_handle=True)
        state = srv.start_value
        print("server", state)
        await anyio.sleep(2.5)
        tg.cancel_scope.cancel("shutdown")
    await asyncio.shield(flush())
    m.cancel()
    try:
        async with asyncio.timeout(1):
            await m
    except asyncio.CancelledError:
        print("metrics task ended")
    print(m.cancelled())


anyio.run(main)
