# expect: 8:5: 'block' outside start_blocking_portal is not modelled (no event loop runs: virtual time stands still)
import time

from anyio.from_thread import start_blocking_portal


def main():
    time.sleep(1)
    with start_blocking_portal() as portal:
        pass


main()
