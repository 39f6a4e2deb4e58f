"""An @asynccontextmanager with a task group around its yield (the body's
exception thrown in at the yield), and an async generator consumed under
aclosing() with break (issue 19)."""
from contextlib import aclosing, asynccontextmanager

import anyio


@asynccontextmanager
async def connection(delay):
    print("open")
    async with anyio.create_task_group() as tg:
        tg.start_soon(keepalive)
        try:
            yield "conn"
        finally:
            print("closing")
            tg.cancel_scope.cancel()
    print("closed")


async def keepalive():
    await anyio.sleep(10)


async def ticks():
    try:
        for _ in range(5):
            await anyio.sleep(1)
            yield "tick"
    finally:
        print("ticks closed")


async def main():
    async with connection(1) as c:
        print("using", c)
        await anyio.sleep(1)
    async with aclosing(ticks()) as g:
        async for t in g:
            print(t)
            break
    try:
        async with connection(2) as c:
            raise ValueError("body failed")
    except* ValueError:
        print("body error in a group")
    print("end")


anyio.run(main)
