"""The task waiting in to_thread is cancelled by a timeout while its thread is in portal.call():
the call runs on, the thread ends, then the scope catches."""
import anyio
from anyio.from_thread import BlockingPortal


async def long_job():
    await anyio.sleep(3)
    print("portal: long job done")


def work(portal):
    portal.call(long_job)
    print("thread: call returned")


async def main():
    async with BlockingPortal() as portal:
        with anyio.move_on_after(1) as scope:
            await anyio.to_thread.run_sync(work, portal)
        print(scope.cancelled_caught)
    print("main: done")


anyio.run(main)
