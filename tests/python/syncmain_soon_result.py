"""start_task_soon from a synchronous main: the main thread blocks in time.sleep while the task runs, then reads result()."""
import time

import anyio
from anyio.from_thread import start_blocking_portal


async def crunch():
    print("loop: crunching")
    await anyio.sleep(2)
    print("loop: crunched")


def main():
    with start_blocking_portal("trio") as portal:
        fut = portal.start_task_soon(crunch)
        time.sleep(1)
        print("main: waiting")
        fut.result()
        print("main: result in")


main()
