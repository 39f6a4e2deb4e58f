"""asyncio.wait_for() inside an AnyIO fail_after that expires first: the AnyIO scope cancels the wait, wait_for
cancels its task, and fail_after raises TimeoutError."""
import asyncio

import anyio


async def query():
    try:
        await anyio.sleep(10)
    except anyio.get_cancelled_exc_class():
        print("query cancelled")
        raise


async def main():
    try:
        with anyio.fail_after(1):
            await asyncio.wait_for(query(), 5)
    except TimeoutError:
        print("fail_after fired")


anyio.run(main)
