# expect: 13:5: threading.Thread(...).start() other than at module level or before the first await of 'main' is not supported (the thread starts at virtual time 0)
import threading

import anyio


def worker():
    pass


async def main():
    await anyio.sleep(1)
    threading.Thread(target=worker).start()
