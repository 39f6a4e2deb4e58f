"""Ctrl+C while a child works: a shielded cleanup still runs.

signal.raise_signal(SIGINT) in a task stands for Ctrl+C arriving while that
task's code runs: on asyncio the runner cancels main (anyio.run() then raises
KeyboardInterrupt); on Trio the task raises KeyboardInterrupt at once.
"""
import signal

import anyio


async def worker():
    try:
        await anyio.sleep(10)
    finally:
        with anyio.CancelScope(shield=True):
            await anyio.sleep(1)
            print("cleanup done")


async def interrupter():
    await anyio.sleep(2)
    signal.raise_signal(signal.SIGINT)
    print("after the signal")


async def main():
    async with anyio.create_task_group() as tg:
        tg.start_soon(worker)
        tg.start_soon(interrupter)
    print("never")


anyio.run(main)
