"""A synchronous main starts an event loop with start_blocking_portal and calls into it."""
import anyio
from anyio.from_thread import start_blocking_portal


async def fetch(what):
    print("loop: fetching", what)
    await anyio.sleep(1)
    print("loop: fetched")


def main():
    print("main: before the portal")
    with start_blocking_portal() as portal:
        portal.call(fetch, "rows")
        print("main: call returned")
    print("main: portal closed")
    return 7


if __name__ == "__main__":
    main()
