"""An inner deadline that is later than the outer one: the outer scope catches."""
import anyio


async def main():
    with anyio.move_on_after(1) as outer:
        with anyio.move_on_after(5) as inner:
            await anyio.sleep(10)
        print("never printed")
    print("after outer")
    return "done"


anyio.run(main)
