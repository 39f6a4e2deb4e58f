"""Spawning into an outer task group from inside an inner one."""
import anyio


async def job():
    await anyio.sleep(2)
    print("job done")


async def main():
    async with anyio.create_task_group() as outer:
        async with anyio.create_task_group() as inner:
            outer.start_soon(job, name="outer_job")
            inner.start_soon(job, name="inner_job")
            inner.cancel_scope.cancel()
        print("inner group exited")


anyio.run(main)
