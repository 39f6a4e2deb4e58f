"""A thread started at module level, before anyio.run: check_cancelled() there raises NoEventLoopError."""
import threading
import time

import anyio


def watchdog():
    time.sleep(1)
    print("watchdog: awake")
    anyio.from_thread.check_cancelled()
    print("watchdog: not reached")


async def main():
    await anyio.sleep(2)
    print("main: done")


threading.Thread(target=watchdog, name="watchdog").start()
anyio.run(main)
