"""portal.call() after the with block: the portal is not running any more."""
import anyio
from anyio.from_thread import start_blocking_portal


async def hello():
    print("loop: hello")


def main():
    with start_blocking_portal() as portal:
        portal.call(hello)
    print("main: with closed")
    portal.call(hello)


if __name__ == "__main__":
    main()
