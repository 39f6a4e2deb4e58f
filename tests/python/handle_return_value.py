"""AnyIO 4.14's TaskHandle.return_value read without awaiting: while the task
runs it raises TaskNotFinished; once it finished it is the return value."""
import anyio


async def worker():
    await anyio.sleep(1)
    return 5


async def main():
    async with anyio.create_task_group() as tg:
        h = tg.create_task(worker(), name="h")
        try:
            early = h.return_value
            print("never", early)
        except anyio.TaskNotFinished as e:
            print("early:", e)
        await h
        v = h.return_value
        print("value", v)


anyio.run(main)
