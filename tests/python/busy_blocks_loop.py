"""time.sleep in async code blocks the loop: a deadline passes meanwhile."""
import time

import anyio


async def main():
    with anyio.move_on_after(1):
        print("blocking")
        time.sleep(3)
        print("still in the scope after blocking")
        await anyio.sleep(0)
        print("never printed")
    print("moved on")


anyio.run(main)
