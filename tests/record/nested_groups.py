# Failures two groups deep, with a class of the program's own: the outer
# group's exception holds the inner groups'; main handles them with except*.
import sys

import anyio


class QuotaExceeded(Exception):
    pass


async def fail(exc, delay):
    # shielded: a sibling failing first must not cancel this one (Trio runs
    # tasks waking at one instant in a random order)
    with anyio.CancelScope(shield=True):
        await anyio.sleep(delay)
    raise exc


async def region(name):
    async with anyio.create_task_group() as tg:
        tg.start_soon(fail, QuotaExceeded(name + ": quota"), 0.1, name=name + "-quota")
        tg.start_soon(fail, KeyError(name), 0.1, name=name + "-key")


async def main():
    try:
        async with anyio.create_task_group() as tg:
            tg.start_soon(region, "eu", name="eu")
            tg.start_soon(region, "us", name="us")
    except* QuotaExceeded as eg:
        print("quota errors:", len(eg.exceptions))
    except* KeyError:
        print("key errors")
    return "handled"


anyio.run(main, backend=sys.argv[1] if len(sys.argv) > 1 else "asyncio")
