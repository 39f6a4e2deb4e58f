"""Exception classes derived from AnyIO's and from each other; anyio.run(main, backend=...) picks the backend."""
import anyio
from anyio import BrokenResourceError


class Broken(anyio.BrokenResourceError):
    pass


class Broken2(BrokenResourceError):
    pass


class Mine(Broken2):
    pass


async def main():
    try:
        raise Mine("x")
    except anyio.BrokenResourceError:
        print("caught")
    raise Broken("y")


anyio.run(main, backend="trio")
