"""fut.result() and portal.start_task()'s started value bound in a worker thread, and from_thread.run's value."""
import anyio
from anyio.from_thread import BlockingPortal


async def compute():
    await anyio.sleep(2)
    return 42


async def server(task_status=anyio.TASK_STATUS_IGNORED):
    await anyio.sleep(0.5)
    task_status.started("port 8080")
    await anyio.sleep(1)


async def ping():
    return "pong"


def work(portal):
    fut = portal.start_task_soon(compute)
    srv, where = portal.start_task(server)
    print("thread: server at", where)
    answer = fut.result()
    reply = anyio.from_thread.run(ping)
    print("thread:", answer, reply)
    srv.result()
    return where


async def main():
    async with BlockingPortal() as portal:
        where = await anyio.to_thread.run_sync(work, portal)
    print("main:", where)


anyio.run(main)
