"""if value < 1 where the value is a string: TypeError, as Python raises it."""
import anyio


async def read():
    await anyio.sleep(1)
    return "10"


async def main():
    v = await read()
    if v == 10:
        print("equal")
    else:
        print("a str is not an int")
    try:
        if v < 1:
            print("never")
    except TypeError as e:
        print("TypeError:", e)


anyio.run(main)
