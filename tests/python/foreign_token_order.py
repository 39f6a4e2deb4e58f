"""Where a plain thread's token calls land among a busy task's checkpoints."""
import threading

import anyio


async def body():
    print("loop: run body")


def sync_body():
    print("loop: run_sync body")


def client(token):
    anyio.from_thread.run_sync(sync_body, token=token)
    anyio.from_thread.run(body, token=token)
    print("client: done")


async def spinner():
    for _ in range(8):
        print("spinner: step")
        await anyio.lowlevel.checkpoint()


async def main():
    token = anyio.lowlevel.current_token()
    threading.Thread(target=client, args=(token,)).start()
    async with anyio.create_task_group() as tg:
        tg.start_soon(spinner)
        await anyio.sleep(0)
        print("main: slept")
    print("main: done")


anyio.run(main)
