# expect: 8:5: call of time.sleep in a function run by from_thread.run_sync() is not supported (only print, ev.set(), raise and return)
import time

import anyio


def in_loop():
    time.sleep(1)


def work():
    anyio.from_thread.run_sync(in_loop)


async def main():
    await anyio.to_thread.run_sync(work)
