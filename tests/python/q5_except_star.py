"""Question 5: catching one kind of error out of a task group's group with except*."""
import anyio


class DbError(OSError):
    pass


async def db():
    await anyio.sleep(1)
    raise DbError("lost connection")


async def parse():
    await anyio.sleep(1)
    raise ValueError("bad input")


async def main():
    try:
        async with anyio.create_task_group() as tg:
            tg.start_soon(db, name="db")
            tg.start_soon(parse, name="parse")
    except* DbError:
        print("handled the database error")


anyio.run(main)
