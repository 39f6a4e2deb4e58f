# expect: 6:5: assignment in a thread is not supported (only f = p.start_task_soon(...), f, v = p.start_task(...), and v = p.call(...), f.result() or anyio.from_thread.run(...))
import anyio


def work():
    n = 5


async def main():
    await anyio.to_thread.run_sync(work)
