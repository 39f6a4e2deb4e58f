"""port = await tg.start(server): the value task_status.started() gave."""
import anyio


async def server(task_status=anyio.TASK_STATUS_IGNORED):
    await anyio.sleep(1)
    task_status.started(8080)
    await anyio.sleep(1)
    print("server stops")


async def main():
    async with anyio.create_task_group() as tg:
        port = await tg.start(server)
        print("listening on", port)
        if port == 8080:
            print("default port")
    return port


anyio.run(main)
