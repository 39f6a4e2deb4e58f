"""A thread AnyIO did not start calls into the event loop with the token main gave it."""
import threading
import time

import anyio


async def report(what):
    print("loop: report", what)
    await anyio.sleep(0.5)
    print("loop: reported")


def client(token):
    time.sleep(1)
    print("client: calling in")
    anyio.from_thread.run(report, "hello", token=token)
    print("client: back")


async def main():
    token = anyio.lowlevel.current_token()
    threading.Thread(target=client, args=(token,)).start()
    await anyio.sleep(3)
    print("main: done")


anyio.run(main)
