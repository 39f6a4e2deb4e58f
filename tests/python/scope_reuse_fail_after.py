"""Reusing a fail_after scope for a second block: Trio refuses it (RuntimeError); AnyIO's asyncio backend
enters it again with its old deadline, which then cancels the block silently, without TimeoutError."""
import anyio


async def main():
    with anyio.fail_after(1) as f:
        await anyio.sleep(0.5)
    try:
        with f:
            await anyio.sleep(1)
            print("second body done")
    except RuntimeError:
        print("refused")
    except TimeoutError:
        print("timeout")
    if f.cancelled_caught:
        print("caught")


anyio.run(main)
