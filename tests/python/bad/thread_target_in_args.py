# expect: 12:43: constant as an argument of a thread function is not supported (only a BlockingPortal or an event loop token)
import threading

import anyio


def worker(token):
    pass


async def main():
    threading.Thread(target=worker, args=(1,)).start()
