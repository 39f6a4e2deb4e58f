"""A plain thread calls from_thread.run without a token: AnyIO raises NoEventLoopError in the thread, and the run goes on."""
import threading
import time

import anyio


async def never():
    print("never runs")


def stray():
    time.sleep(0.5)
    print("stray: calling in without a token")
    anyio.from_thread.run(never)
    print("stray: not reached")


async def main():
    threading.Thread(target=stray, name="stray").start()
    await anyio.sleep(1)
    print("main: done")


anyio.run(main)
