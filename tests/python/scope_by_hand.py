"""A cancel scope entered and exited by hand (__enter__ / __exit__), as code driving it from a framework
hook does: one exited in time, one whose deadline passes while it is entered."""
import anyio


async def main():
    quick = anyio.CancelScope(deadline=5)
    quick.__enter__()
    await anyio.sleep(1)
    print("quick work done")
    quick.__exit__(None, None, None)
    slow = anyio.CancelScope(deadline=3)
    slow.__enter__()
    try:
        await anyio.sleep(10)
    except anyio.get_cancelled_exc_class():
        print("deadline reached")
    slow.__exit__(None, None, None)
    if slow.cancel_called:
        print("slow scope was cancelled")
    await anyio.sleep(1)
    print("after both")


anyio.run(main)
