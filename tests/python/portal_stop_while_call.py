"""main abandons a thread stuck in portal.call(), then stops the portal with cancel_remaining=True:
the call's task is cancelled (the abandoned thread gets CancelledError after the run)."""
import anyio
from anyio.from_thread import BlockingPortal


async def slow():
    try:
        await anyio.sleep(5)
    finally:
        print("portal: slow cancelled")


def work(portal):
    portal.call(slow)


async def main():
    async with BlockingPortal() as portal:
        with anyio.move_on_after(2):
            await anyio.to_thread.run_sync(work, portal, abandon_on_cancel=True)
        print("main: gave up on the thread, stopping the portal")
        await portal.stop(cancel_remaining=True)
    print("main: done")


anyio.run(main)
