"""A handler logs and re-raises; the finally block runs first."""
import anyio


async def main():
    try:
        try:
            await anyio.sleep(1)
            raise KeyError("k")
        except (ValueError, KeyError):
            print("handling")
            raise
        finally:
            print("finally")
    except LookupError:
        print("caught as LookupError")
    raise RuntimeError("the end")


anyio.run(main)
