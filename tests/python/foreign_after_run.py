"""A plain thread outlives anyio.run(): what it does after the run is not part of the outcome."""
import threading
import time

import anyio


async def ping():
    print("loop: ping")


def late(token):
    time.sleep(0.5)
    anyio.from_thread.run(ping, token=token)
    print("late: first call done")
    time.sleep(5)
    print("late: after the run")
    anyio.from_thread.run(ping, token=token)


async def main():
    token = anyio.lowlevel.current_token()
    threading.Thread(target=late, args=(token,)).start()
    await anyio.sleep(1)
    print("main: returning")
    return "ok"


anyio.run(main)
