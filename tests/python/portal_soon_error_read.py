"""start_task_soon of a failing task: the error reaches only the thread that reads result(); the portal is not affected."""
import time

import anyio
from anyio.from_thread import BlockingPortal


async def flaky():
    await anyio.sleep(1)
    raise OSError("connection reset")


async def steady():
    await anyio.sleep(2)
    print("steady: finished")


def work(portal):
    bad = portal.start_task_soon(flaky, name="flaky")
    good = portal.start_task_soon(steady)
    time.sleep(3)
    good.result()
    print("thread: steady ok")
    bad.result()


async def main():
    async with BlockingPortal() as portal:
        try:
            await anyio.to_thread.run_sync(work, portal)
        except OSError as exc:
            print("main: thread raised", exc)
    print("main: done")


anyio.run(main)
