import time

import anyio
import anyio.to_thread


def fetch(url):
    time.sleep(0.5)  # a blocking client that never returns in time
    raise ConnectionError("reset by peer: " + url)


async def download(url):
    with anyio.move_on_after(2):
        await anyio.to_thread.run_sync(fetch, url, abandon_on_cancel=True)
    print("gave up on", url)


async def heartbeat():
    while True:
        await anyio.sleep(1)
        print("alive")


async def main():
    async with anyio.create_task_group() as tg:
        tg.start_soon(heartbeat, name="heartbeat")
        await download("https://example.invalid/big")
        tg.cancel_scope.cancel()


anyio.run(main)
