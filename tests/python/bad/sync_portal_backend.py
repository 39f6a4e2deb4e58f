# expect: 6:40: a backend other than "asyncio" or "trio" is not supported
from anyio.from_thread import start_blocking_portal


def main():
    with start_blocking_portal(backend="curio") as portal:
        pass


main()
