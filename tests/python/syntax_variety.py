"""Several spellings the translator reads: aliases, multi-item with, print's sep, nested loops."""
import anyio as aio
import anyio.lowlevel
from anyio import CancelScope as Scope
from anyio import create_task_group, lowlevel

gate = aio.Lock()
slots = aio.Semaphore(1)


class AppError(Exception):
    """An application error."""


async def child(task_status=aio.TASK_STATUS_IGNORED):
    async with gate, slots:
        await lowlevel.checkpoint()
        task_status.started("ready")
        await aio.sleep(1)
    print("child", "done", sep=": ")


async def main() -> None:
    async with create_task_group() as tg:
        await tg.start(child, name="child")
        with aio.move_on_after(5) as outer, Scope(shield=True) as inner:
            for _ in range(2):
                for _ in range(2):
                    await anyio.lowlevel.checkpoint_if_cancelled()
                    print("inner loop")
            inner.shield = False
            outer.deadline = 0.5
            await aio.sleep(1)
            print("never printed")
    try:
        raise AppError("app")
    except* AppError:
        print("caught with except*")
    return None


if __name__ == "__main__":
    aio.run(main)
