# expect: 6:10: start_blocking_portal() other than with a backend and name= is not supported
from anyio.from_thread import start_blocking_portal


def main():
    with start_blocking_portal("asyncio", {"debug": True}) as portal:
        pass


main()
