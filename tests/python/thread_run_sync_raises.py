"""from_thread.run_sync of a function that raises: the error comes back into the thread, and out of to_thread."""
import time

import anyio


def refuse():
    print("loop: refusing")
    raise ValueError("refused in the loop")


def work():
    time.sleep(0.5)
    anyio.from_thread.run_sync(refuse)
    print("thread: never here")


async def main():
    try:
        await anyio.to_thread.run_sync(work)
    except ValueError as exc:
        print("main caught", exc)
    await anyio.sleep(1)


anyio.run(main)
