# expect: 12:5: threading.Thread other than threading.Thread(target=fn, ...).start() is not supported
import threading

import anyio


def worker():
    pass


async def main():
    t = threading.Thread(target=worker)
    t.start()
