"""A worker thread stops the portal (portal.call(portal.stop, True)); its next call raises RuntimeError."""
import time

import anyio
from anyio.from_thread import BlockingPortal


async def tick():
    print("tick")


def work(portal):
    portal.call(tick)
    time.sleep(1)
    portal.call(portal.stop, True)
    print("thread: portal stopped")
    portal.call(tick)


async def main():
    async with BlockingPortal() as portal:
        try:
            await anyio.to_thread.run_sync(work, portal)
        except RuntimeError as exc:
            print("main:", exc)
    print("main: done")


anyio.run(main)
