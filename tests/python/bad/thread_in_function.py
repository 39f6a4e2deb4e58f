# expect: 12:5: threading.Thread(...).start() other than at module level or before the first await of 'main' is not supported (the thread starts at virtual time 0)
import threading

import anyio


def worker():
    pass


async def helper():
    threading.Thread(target=worker).start()


async def main():
    await helper()
