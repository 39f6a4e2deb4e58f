"""A task left running when the with block ends: leaving it stops the portal without cancelling, so it waits for the task."""
import anyio
from anyio.from_thread import start_blocking_portal


async def background():
    await anyio.sleep(3)
    print("loop: background finished")


def main():
    with start_blocking_portal() as portal:
        portal.start_task_soon(background)
        print("main: leaving the with")
    print("main: portal gone")


if __name__ == "__main__":
    main()
