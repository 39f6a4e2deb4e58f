"""v = anyio.from_thread.run(f) in a worker thread: the async function's value, printed and returned."""
import time

import anyio


async def current_user():
    await anyio.sleep(0.5)
    return "alice"


def work():
    time.sleep(1)
    user = anyio.from_thread.run(current_user)
    print("thread: user is", user)
    return user


async def main():
    who = await anyio.to_thread.run_sync(work)
    print("main: the thread said", who)


anyio.run(main)
