# cancelsim: verify
"""A timeout cannot stop a worker thread: the host waits until it returns."""
import time

import anyio

# What real AnyIO does (checked by tests/t_python.sh).
CANCELSIM_EXPECT = {"result": {"returned": None}, "end_time": 3,
                    "log": [{"t": 3, "msg": "thread: done crunching"},
                            {"t": 3, "msg": "main: the thread returned at 3, not 1"}]}

def crunch():
    time.sleep(3)
    print("thread: done crunching")


async def main():
    with anyio.move_on_after(1):
        await anyio.to_thread.run_sync(crunch)
    print("main: the thread returned at 3, not 1")


anyio.run(main)
