"""A timeout cannot interrupt a worker thread: the host waits for it to end."""
import time

import anyio


def work():
    time.sleep(3)
    print("thread: finished")


async def main():
    with anyio.move_on_after(1):
        await anyio.to_thread.run_sync(work)
        print("printed: no checkpoint since the thread returned")
    print("main: moved on")


anyio.run(main)
