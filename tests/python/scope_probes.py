"""Printing a scope's state while it runs: current_effective_deadline(), current_time(), and a scope's
deadline, shield, cancel_called and cancelled_caught, before and after its deadline."""
import anyio


async def main():
    print(anyio.current_effective_deadline())
    with anyio.move_on_after(2) as outer:
        with anyio.CancelScope(shield=True) as inner:
            print(inner.shield)
            print(anyio.current_effective_deadline())
            await anyio.sleep(3)
            print(anyio.current_time())
        print(outer.cancel_called)
        print(inner.cancelled_caught)
        await anyio.sleep(1)
    print(outer.deadline)
    print(outer.cancelled_caught)
    async with anyio.create_task_group() as tg:
        tg.cancel_scope.cancel()
        print(tg.cancel_scope.cancel_called)
    print(anyio.current_time())


anyio.run(main)
