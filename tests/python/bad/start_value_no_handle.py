# expect: 11:13: h.start_value is not supported (only the start_value of a handle of tg.start(..., return_handle=True) of this function)
import anyio

async def server(task_status=anyio.TASK_STATUS_IGNORED):
    task_status.started(1)


async def main():
    async with anyio.create_task_group() as tg:
        h = tg.start_soon(server)
        v = h.start_value
