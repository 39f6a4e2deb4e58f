"""Capping worker threads with the default thread limiter: one token, so four blocking jobs run one after
another; the limiter's statistics on the way, then two tokens for the next pair."""
import time

import anyio
import anyio.to_thread


def blocking_job():
    time.sleep(1)


async def job():
    await anyio.to_thread.run_sync(blocking_job)
    print("job done")


async def main():
    anyio.to_thread.current_default_thread_limiter().total_tokens = 1
    async with anyio.create_task_group() as tg:
        tg.start_soon(job)
        tg.start_soon(job)
        await anyio.sleep(0.5)
        anyio.to_thread.current_default_thread_limiter().statistics()
    limiter = anyio.to_thread.current_default_thread_limiter()
    limiter.total_tokens = 2
    async with anyio.create_task_group() as tg2:
        tg2.start_soon(job)
        tg2.start_soon(job)
    async with limiter:
        print("holding a token in the event loop")
    await anyio.to_thread.run_sync(blocking_job, limiter=limiter)
    print("all done")


anyio.run(main)
