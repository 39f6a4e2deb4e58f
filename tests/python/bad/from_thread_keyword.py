# expect: 10:41: anyio.from_thread.run() with timeout= other than token=<a current_token() passed in> is not supported
import anyio


async def ping():
    pass


def work():
    anyio.from_thread.run(ping, timeout=1)


async def main():
    await anyio.to_thread.run_sync(work)
