"""v = portal.call(fn) in a worker thread: the thread prints the value and returns it to to_thread's caller."""
import time

import anyio
from anyio.from_thread import BlockingPortal


async def lookup(key):
    await anyio.sleep(1)
    print("loop: looking up", key)
    return {"rows": [1, 2]}


def work(portal):
    found = portal.call(lookup, "users")
    print("thread: got", found)
    time.sleep(0.5)
    return found


async def main():
    async with BlockingPortal() as portal:
        result = await anyio.to_thread.run_sync(work, portal)
        print("main: thread returned", result)


anyio.run(main)
