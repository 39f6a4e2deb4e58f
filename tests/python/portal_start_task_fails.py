"""portal.start_task() of a service that fails before task_status.started(): the thread gets its exception."""
import anyio
from anyio.from_thread import BlockingPortal


async def service(task_status=anyio.TASK_STATUS_IGNORED):
    await anyio.sleep(1)
    raise RuntimeError("could not bind")


def work(portal):
    portal.start_task(service)
    print("thread: not reached")


async def main():
    async with BlockingPortal() as portal:
        try:
            await anyio.to_thread.run_sync(work, portal)
        except RuntimeError as exc:
            print("main:", exc)
    print("main: done")


anyio.run(main)
