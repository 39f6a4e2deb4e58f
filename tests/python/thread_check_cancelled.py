"""A thread that is not abandoned notices its host's cancellation with check_cancelled()."""
import time

import anyio


def work():
    time.sleep(2)
    print("thread: checking")
    anyio.from_thread.check_cancelled()
    print("never printed")


async def main():
    with anyio.move_on_after(1):
        await anyio.to_thread.run_sync(work)
    print("main: done")


anyio.run(main)
