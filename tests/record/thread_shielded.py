# A thread that cannot be abandoned: the deadline passes while it runs, the
# task waits for it, then the scope catches the cancellation.
import sys
import time

import anyio
import anyio.to_thread


async def main():
    with anyio.move_on_after(0.1) as scope:
        await anyio.to_thread.run_sync(time.sleep, 0.3)
        print("thread returned")
        await anyio.sleep(1)
    print("caught", scope.cancelled_caught)


anyio.run(main, backend=sys.argv[1] if len(sys.argv) > 1 else "asyncio")
