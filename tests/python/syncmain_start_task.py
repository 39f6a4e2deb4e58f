"""portal.start_task() from a synchronous main, then a timeout inside a portal call."""
import anyio
from anyio.from_thread import start_blocking_portal


async def server(task_status=anyio.TASK_STATUS_IGNORED):
    await anyio.sleep(0.5)
    task_status.started()
    print("loop: server started")
    await anyio.sleep(5)
    print("loop: server done")


async def slow_query():
    with anyio.move_on_after(1) as scope:
        await anyio.sleep(10)
    print(scope.cancelled_caught)


def main():
    with start_blocking_portal() as portal:
        fut, _ = portal.start_task(server)
        print("main: server up")
        portal.call(slow_query)
        fut.result()
        print("main: server ended")


if __name__ == "__main__":
    main()
