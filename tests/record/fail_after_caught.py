# fail_after raises TimeoutError, which main catches and reports.
import sys

import anyio


async def main():
    try:
        with anyio.fail_after(0.1):
            await anyio.sleep(1)
    except TimeoutError:
        print("timed out")
    return "ok"


anyio.run(main, backend=sys.argv[1] if len(sys.argv) > 1 else "asyncio")
