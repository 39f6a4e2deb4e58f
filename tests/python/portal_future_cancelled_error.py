"""A cancelled future's result() raises concurrent.futures.CancelledError, which main catches by that name."""
import time
from concurrent.futures import CancelledError

import anyio
from anyio.from_thread import BlockingPortal


async def download():
    try:
        await anyio.sleep(10)
    finally:
        print("download: stopped")


def work(portal):
    fut = portal.start_task_soon(download)
    time.sleep(1)
    fut.cancel()
    fut.result()


async def main():
    async with BlockingPortal() as portal:
        try:
            await anyio.to_thread.run_sync(work, portal)
        except CancelledError as exc:
            print("main: the future was cancelled", exc)
        except Exception:
            print("main: something else")
    print("main: done")


anyio.run(main)
