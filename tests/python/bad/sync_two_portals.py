# expect: 8:5: a second start_blocking_portal: a scenario has one event loop
from anyio.from_thread import start_blocking_portal


def main():
    with start_blocking_portal() as first:
        pass
    with start_blocking_portal() as second:
        pass


main()
