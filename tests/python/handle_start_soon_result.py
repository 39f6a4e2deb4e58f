"""Awaiting the handles start_soon and start(..., return_handle=True) return gives what the task's function
returned (AnyIO 4.14), also through return_value once the task is done."""
import anyio


async def compute():
    await anyio.sleep(1)
    return 42


async def service(task_status=anyio.TASK_STATUS_IGNORED):
    task_status.started("up")
    await anyio.sleep(2)
    return "service done"


async def main():
    async with anyio.create_task_group() as tg:
        h = tg.start_soon(compute, name="compute")
        srv = await tg.start(service, return_handle=True)
        v = await h
        print("compute gave", v)
        r = await srv
        print("service gave", r)
        again = h.return_value
        print("return_value", again)


anyio.run(main)
