"""Question 4: a task run with tg.start() fails before calling task_status.started()."""
import anyio


async def server(task_status=anyio.TASK_STATUS_IGNORED):
    await anyio.sleep(1)
    raise OSError("port in use")


async def main():
    async with anyio.create_task_group() as tg:
        print("starting")
        await tg.start(server, name="server")
        print("never printed")


anyio.run(main)
