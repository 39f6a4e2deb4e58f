"""asyncio.create_task() inside AnyIO code: a task no task group owns; awaiting it, and its done() / cancelled()."""
import asyncio

import anyio


async def fetch(delay):
    await anyio.sleep(delay)
    print("fetched")


async def main():
    t = asyncio.create_task(fetch(2), name="fetcher")
    print(t.done())
    await anyio.sleep(1)
    print("main still running")
    await t
    print(t.done())
    print(t.cancelled())


anyio.run(main)
