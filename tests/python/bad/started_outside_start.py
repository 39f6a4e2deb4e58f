# expect: 5:5: 'started' is only allowed in a body run by 'start'
import anyio

async def server(task_status=anyio.TASK_STATUS_IGNORED):
    task_status.started()

async def main():
    async with anyio.create_task_group() as tg:
        tg.start_soon(server)
