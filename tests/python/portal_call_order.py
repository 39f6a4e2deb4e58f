"""Where portal calls and start_task_soon tasks land among a busy task's checkpoints."""
import anyio
from anyio.from_thread import BlockingPortal


async def called():
    print("portal: call body")
    await anyio.lowlevel.checkpoint()
    print("portal: call end")


async def soon():
    print("portal: soon body")


def work(portal):
    portal.start_task_soon(soon)
    portal.call(called)
    print("thread: done")


async def spinner():
    for _ in range(8):
        print("spinner: step")
        await anyio.lowlevel.checkpoint()


async def main():
    async with anyio.create_task_group() as tg:
        tg.start_soon(spinner)
        async with BlockingPortal() as portal:
            await anyio.to_thread.run_sync(work, portal)
    print("main: done")


anyio.run(main)
