"""AnyIO docs, Tasks: handling multiple errors in a task group."""
import anyio


async def some_task():
    await anyio.sleep(1)
    raise ValueError("some")


async def another_task():
    await anyio.sleep(1)
    raise KeyError("another")


async def main():
    try:
        async with anyio.create_task_group() as tg:
            tg.start_soon(some_task)
            tg.start_soon(another_task)
    except* ValueError:
        print("Caught ValueError")
    except* KeyError:
        print("Caught KeyError")


anyio.run(main)
