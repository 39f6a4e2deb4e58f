"""result = await to_thread.run_sync(work); a thread that raises."""
import time

import anyio


def work():
    time.sleep(2)
    return [3, "rows"]


def broken():
    time.sleep(1)
    raise OSError("disk")


async def main():
    result = await anyio.to_thread.run_sync(work)
    print("thread gave", result)
    try:
        await anyio.to_thread.run_sync(broken)
    except OSError as e:
        print("thread failed:", e)


anyio.run(main)
