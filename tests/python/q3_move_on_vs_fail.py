"""Question 3: move_on_after swallows its timeout, fail_after raises TimeoutError."""
import anyio


async def main():
    with anyio.move_on_after(1):
        await anyio.sleep(5)
        print("never printed")
    print("moved on")
    try:
        with anyio.fail_after(1):
            await anyio.sleep(5)
    except TimeoutError:
        print("timed out")
    with anyio.fail_after(2):
        await anyio.sleep(5)


anyio.run(main)
