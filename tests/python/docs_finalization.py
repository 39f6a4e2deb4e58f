"""AnyIO docs, Cancellation and timeouts: finalization with get_cancelled_exc_class()."""
import anyio
from anyio import get_cancelled_exc_class


async def do_something():
    try:
        await anyio.sleep(10)
    except get_cancelled_exc_class():
        print("performing cleanup")
        raise


async def main():
    with anyio.move_on_after(1):
        await do_something()
    print("done")


anyio.run(main)
