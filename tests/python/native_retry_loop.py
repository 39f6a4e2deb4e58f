"""A retry loop around asyncio.timeout: each attempt waits for a flaky backend for at most one second; the
backend comes up at 2.5 s, so the third attempt succeeds and the loop breaks."""
import asyncio

import anyio

backend_up = anyio.Event()


async def flaky_backend():
    await anyio.sleep(2.5)
    backend_up.set()


async def fetch():
    await backend_up.wait()
    return "payload"


async def main():
    async with anyio.create_task_group() as tg:
        tg.start_soon(flaky_backend)
        for _ in range(5):
            try:
                async with asyncio.timeout(1):
                    result = await fetch()
            except TimeoutError:
                print("attempt timed out, retrying")
                continue
            print("got", result)
            break


anyio.run(main)
