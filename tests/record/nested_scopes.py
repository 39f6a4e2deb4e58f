# An inner deadline fires first and is caught by its own scope; the outer one later.
import sys

import anyio


async def main():
    with anyio.move_on_after(0.3) as outer:
        with anyio.move_on_after(0.1) as inner:
            await anyio.sleep(1)
        print("inner caught", inner.cancelled_caught)
        await anyio.sleep(1)
    print("outer caught", outer.cancelled_caught)


anyio.run(main, backend=sys.argv[1] if len(sys.argv) > 1 else "asyncio")
