# findings: lost_exception
# The planted flaw: an abandoned worker thread fails, and its ValueError
# reaches no one (AnyIO drops it): cancelsim must report a lost exception.
import sys
import time

import anyio
import anyio.to_thread


def flaky_io():
    time.sleep(0.5)
    raise ValueError("disk full")


async def main():
    with anyio.move_on_after(0.2):
        await anyio.to_thread.run_sync(flaky_io, abandon_on_cancel=True)
    print("moved on")


anyio.run(main, backend=sys.argv[1] if len(sys.argv) > 1 else "asyncio")
