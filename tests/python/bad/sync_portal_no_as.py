# expect: 6:10: 'with start_blocking_portal()' other than 'as NAME' is not supported
from anyio.from_thread import start_blocking_portal


def main():
    with start_blocking_portal():
        pass


main()
