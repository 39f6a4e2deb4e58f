"""A plain thread's token call while the event loop is blocked by time.sleep in a task: it waits for the loop."""
import threading
import time

import anyio


async def stamp():
    print("loop: stamp")


def clock(token):
    time.sleep(0.5)
    print("clock: calling in")
    anyio.from_thread.run(stamp, token=token)
    print("clock: back")


async def main():
    token = anyio.lowlevel.current_token()
    threading.Thread(target=clock, args=(token,)).start()
    await anyio.sleep(0.25)
    print("main: blocking the loop")
    time.sleep(1)
    print("main: unblocked")
    await anyio.sleep(0)
    print("main: done")


anyio.run(main)
