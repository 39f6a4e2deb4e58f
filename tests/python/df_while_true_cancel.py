"""while True: a poll loop ended by move_on_after, then a check of
cancelled_caught; a child's loop ended by its group's cancellation."""
import anyio


async def poller():
    try:
        while True:
            await anyio.sleep(0.5)
            print("poll")
    finally:
        print("poller cleans up")


async def main():
    with anyio.move_on_after(2.5) as scope:
        while True:
            await anyio.sleep(1)
            print("tick")
    if scope.cancelled_caught:
        print("timed out")
    else:
        print("finished")
    async with anyio.create_task_group() as tg:
        tg.start_soon(poller)
        await anyio.sleep(1.2)
        tg.cancel_scope.cancel()
    if tg.cancel_scope.cancel_called:
        print("the group was cancelled")


anyio.run(main)
