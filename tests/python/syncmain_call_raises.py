"""A synchronous main's portal.call() of a failing function: the exception leaves the with and main()."""
import anyio
from anyio.from_thread import start_blocking_portal


async def connect():
    await anyio.sleep(0.5)
    raise ConnectionError("refused")


def main():
    with start_blocking_portal() as portal:
        portal.call(connect)
        print("main: not reached")


if __name__ == "__main__":
    main()
