"""portal.call(fn, 2, "rows") passes literal arguments to the async function; the portal waits for its tasks."""
import anyio
from anyio.from_thread import BlockingPortal


async def load(delay, what):
    await anyio.sleep(delay)
    print("loaded", what)


def work(portal):
    portal.call(load, 2, "rows")
    portal.start_task_soon(load, 3, "index")
    print("thread: done")


async def main():
    async with BlockingPortal() as portal:
        await anyio.to_thread.run_sync(work, portal)
        print("main: thread done")
    print("main: portal closed")


anyio.run(main)
