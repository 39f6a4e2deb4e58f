"""AnyIO docs, Tasks: starting and initializing tasks with tg.start()."""
import anyio
from anyio import TASK_STATUS_IGNORED, create_task_group


async def start_some_service(task_status=TASK_STATUS_IGNORED):
    await anyio.sleep(1)
    print("service listening")
    task_status.started()
    await anyio.sleep_forever()


async def main():
    async with create_task_group() as tg:
        await tg.start(start_some_service, name="service")
        print("Now you can connect to the service")
        tg.cancel_scope.cancel()


anyio.run(main)
