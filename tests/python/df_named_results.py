"""Named values: what an awaited function returned, printed and compared."""
import anyio


async def fetch(n):
    await anyio.sleep(1)
    if n > 2:
        return "big"
    else:
        return "small"


async def nothing():
    await anyio.lowlevel.checkpoint()


async def main():
    first = await fetch(3)
    second = await fetch(1)
    none = await nothing()
    print("first:", first, "second:", second, "none:", none)
    if second == "big":
        print("second is big")
    elif second is None:
        print("second is None")
    else:
        print("second is", second)
    if not none:
        print("None is falsy")
    label = first
    return label


anyio.run(main)
