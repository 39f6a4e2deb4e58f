# tg.start() waits for the server to be ready; then the group is cancelled.
import sys

import anyio
from anyio.abc import TaskStatus


async def server(*, task_status: TaskStatus = anyio.TASK_STATUS_IGNORED):
    await anyio.sleep(0.1)
    task_status.started(8080)
    try:
        await anyio.sleep_forever()
    finally:
        print("end server cancelled")


async def main():
    async with anyio.create_task_group() as tg:
        port = await tg.start(server, name="server")
        print("ready on", port)
        await anyio.sleep(0.1)
        tg.cancel_scope.cancel()
    print("main done")


anyio.run(main, backend=sys.argv[1] if len(sys.argv) > 1 else "asyncio")
