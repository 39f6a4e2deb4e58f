"""CancelScope(deadline=...) is absolute; sleep_until too."""
import anyio


async def main():
    await anyio.sleep_until(1)
    print("at 1")
    with anyio.CancelScope(deadline=3):
        await anyio.sleep(5)
    print("after the deadline")
    with anyio.CancelScope(deadline=2) as late:
        await anyio.sleep(1)
        print("a deadline in the past cancels at the next checkpoint")
    late.deadline = 10
    print("end")


anyio.run(main)
