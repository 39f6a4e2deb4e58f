# cancelsim: verify
"""move_on_after swallows its timeout; fail_after turns it into TimeoutError."""
import anyio


async def main():
    with anyio.move_on_after(1):
        await anyio.sleep(5)
    print("moved on at 1")
    try:
        with anyio.fail_after(1):
            await anyio.sleep(5)
    except TimeoutError:
        print("timed out at 2")


anyio.run(main)
