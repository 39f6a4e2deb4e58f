# expect: 10:42: constant as an argument of a thread function is not supported (only a BlockingPortal or an event loop token)
import anyio


def work(n):
    pass


async def main():
    await anyio.to_thread.run_sync(work, 3)
