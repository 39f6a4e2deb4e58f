# expect: 10:1: calling main() with arguments at module level is not supported
from anyio.from_thread import start_blocking_portal


def main(n):
    with start_blocking_portal() as portal:
        pass


main(3)
