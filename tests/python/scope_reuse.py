"""A CancelScope made ahead of its 'with', then used for a second 'with' block: AnyIO's asyncio backend
enters it again, Trio refuses with RuntimeError; a task group entered twice is refused on both."""
import anyio


async def main():
    scope = anyio.CancelScope(shield=True)
    with scope:
        await anyio.sleep(1)
        print("first block")
    try:
        with scope:
            await anyio.sleep(1)
            print("second block")
    except RuntimeError:
        print("scope refused")
    async with anyio.create_task_group() as tg:
        pass
    try:
        async with tg:
            print("group body")
    except RuntimeError as exc:
        print("group refused:", exc)


anyio.run(main)
