"""wrap_async_context_manager from a synchronous main: the manager's enter and exit run in the portal's loop."""
import time
from contextlib import asynccontextmanager

import anyio
from anyio.from_thread import start_blocking_portal


@asynccontextmanager
async def session():
    print("loop: session open")
    await anyio.sleep(1)
    yield
    await anyio.sleep(1)
    print("loop: session closed")


def main():
    with start_blocking_portal() as portal:
        with portal.wrap_async_context_manager(session()):
            print("main: in the session")
            time.sleep(2)
        print("main: session done")
    return "ok"


if __name__ == "__main__":
    main()
