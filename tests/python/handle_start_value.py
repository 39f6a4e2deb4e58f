"""AnyIO 4.14's task handles: start_soon returns one, start(..., return_handle=True) too, with the value
the task passed to task_status.started() as its start_value."""
import anyio
from anyio import TASK_STATUS_IGNORED


async def server(task_status=TASK_STATUS_IGNORED):
    await anyio.sleep(1)
    task_status.started(8080)
    await anyio.sleep_forever()


async def ticker():
    while True:
        await anyio.sleep(1)
        print("tick")


async def main():
    async with anyio.create_task_group() as tg:
        t = tg.start_soon(ticker, name="ticker")
        srv = await tg.start(server, return_handle=True)
        port = srv.start_value
        print("listening on", port)
        await anyio.sleep(1.5)
        t.cancel()
        srv.cancel()
        if t.status == anyio.TaskHandle.Status.CANCELLING:
            print("ticker cancelling")
    if srv.status == anyio.TaskHandle.Status.CANCELLED:
        print("server cancelled")


anyio.run(main)
