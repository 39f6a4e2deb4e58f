"""Shielding a scope after the outer scope's deadline has passed, then unshielding it."""
import anyio


async def main():
    with anyio.move_on_after(1):
        with anyio.CancelScope() as inner:
            inner.shield = True
            await anyio.sleep(2)
            print("shielded sleep finished")
            inner.shield = False
            await anyio.sleep(1)
            print("never printed")
        print("never printed either")
    print("done")


anyio.run(main)
