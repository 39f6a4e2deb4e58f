# expect: 12:29: name 'worker' as a thread's target is not supported (only a plain def of the file)
import threading

import anyio


async def worker():
    pass


async def main():
    threading.Thread(target=worker).start()
