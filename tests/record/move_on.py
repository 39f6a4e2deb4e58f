# move_on_after stops a sleep; the program goes on and returns normally.
import sys

import anyio


async def main():
    with anyio.move_on_after(0.1) as scope:
        await anyio.sleep(1)
        print("not reached")
    print("moved on", scope.cancelled_caught)
    await anyio.sleep(0.05)
    print("done")


anyio.run(main, backend=sys.argv[1] if len(sys.argv) > 1 else "asyncio")
