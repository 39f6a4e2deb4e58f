"""An explicit cancel with a reason; the cancelled child's except clause sees it."""
import anyio


async def sleeper():
    try:
        await anyio.sleep(10)
    except anyio.get_cancelled_exc_class():
        print("sleeper: cancelled")
        raise


async def main():
    async with anyio.create_task_group() as tg:
        tg.start_soon(sleeper, name="sleeper")
        await anyio.sleep(1)
        tg.cancel_scope.cancel("enough")
    print("group done")


anyio.run(main)
