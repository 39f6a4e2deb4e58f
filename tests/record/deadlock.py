# findings: deadlock
# An event nobody sets: with --virtual-time the recorder stops at the deadlock
# (the program itself would wait forever; check.py plain stops it the same way).
import anyio


async def main():
    ev = anyio.Event()
    async with anyio.create_task_group() as tg:
        tg.start_soon(ev.wait, name="waiter")
        await anyio.sleep(0.1)
    print("never")
