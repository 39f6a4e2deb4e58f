"""asyncio.wait_for() cancelling the work at its timeout: the work's finally runs, then TimeoutError."""
import asyncio

import anyio


async def work():
    try:
        await anyio.sleep(5)
        print("work finished")
    finally:
        print("work cleanup")


async def main():
    try:
        await asyncio.wait_for(work(), 2)
    except TimeoutError:
        print("wait_for timed out")
    await asyncio.wait_for(work(), timeout=None)
    print("second wait_for done")


anyio.run(main)
