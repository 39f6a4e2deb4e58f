"""await portal.stop(cancel_remaining=True) cancels the tasks threads started in the portal."""
import anyio
from anyio.from_thread import BlockingPortal


async def forever():
    try:
        await anyio.sleep_forever()
    finally:
        print("forever: cancelled")


def work(portal):
    portal.start_task_soon(forever)
    print("thread: left a task running")


async def main():
    async with BlockingPortal() as portal:
        await anyio.to_thread.run_sync(work, portal)
        await anyio.sleep(1)
        await portal.stop(cancel_remaining=True)
        print("main: stop returned")
    print("main: done")


anyio.run(main)
