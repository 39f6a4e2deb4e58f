"""An exception in the with body: the portal is stopped with cancel_remaining=True, so its running task is cancelled."""
import time

import anyio
from anyio.from_thread import start_blocking_portal


async def serve():
    try:
        await anyio.sleep(10)
    finally:
        print("loop: serve cancelled")


def main():
    with start_blocking_portal() as portal:
        portal.start_task_soon(serve)
        time.sleep(1)
        raise ValueError("config error")


if __name__ == "__main__":
    main()
