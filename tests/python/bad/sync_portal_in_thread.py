# expect: 6:5: 'with start_blocking_portal()' other than among the statements of the synchronous main itself is not supported (one event loop per program)
import anyio


def work():
    with anyio.from_thread.start_blocking_portal() as portal:
        pass


async def main():
    await anyio.to_thread.run_sync(work)
