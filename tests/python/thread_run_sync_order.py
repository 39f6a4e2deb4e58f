"""Where a worker's from_thread.run_sync and from_thread.run bodies land among a busy task's
checkpoints: python_real.py syncs after each Trio task step (it ran one batch late before)."""
import anyio


def note():
    print("loop: run_sync body")


async def anote():
    print("loop: run body")


def work():
    anyio.from_thread.run_sync(note)
    anyio.from_thread.run(anote)
    print("thread: done")


async def spinner():
    for _ in range(6):
        print("spinner: step")
        await anyio.lowlevel.checkpoint()


async def main():
    async with anyio.create_task_group() as tg:
        tg.start_soon(spinner)
        await anyio.to_thread.run_sync(work)
    print("main: done")


anyio.run(main)
