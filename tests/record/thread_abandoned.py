# A blocking call in a worker thread under fail_after: the thread is abandoned
# and the task gets TimeoutError, which main catches.
import sys
import time

import anyio
import anyio.to_thread


async def main():
    try:
        with anyio.fail_after(0.2):
            await anyio.to_thread.run_sync(time.sleep, 0.5, abandon_on_cancel=True)
    except TimeoutError:
        print("gave up on the thread")


anyio.run(main, backend=sys.argv[1] if len(sys.argv) > 1 else "asyncio")
