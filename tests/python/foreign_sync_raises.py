"""from_thread.run_sync(fn, token=...) of a function that raises: the error is the thread's (lost), the loop goes on."""
import threading
import time

import anyio


def check():
    print("loop: checking")
    raise OSError("disk full")


def monitor(token):
    time.sleep(1)
    anyio.from_thread.run_sync(check, token=token)
    print("monitor: not reached")


async def main():
    token = anyio.lowlevel.current_token()
    threading.Thread(target=monitor, args=(token,), name="monitor").start()
    await anyio.sleep(2)
    print("main: done")


anyio.run(main)
