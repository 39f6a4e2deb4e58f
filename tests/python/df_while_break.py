"""while True with continue and break on a state value; break out of a task
group (the group waits for its child first) and through a finally."""
import anyio


async def child():
    await anyio.sleep(2)
    print("child done")


async def main():
    state = "start"
    while True:
        await anyio.sleep(1)
        if state == "start":
            print("first pass")
            state = "again"
            continue
        if state == "again":
            print("second pass")
            state = "stop"
            continue
        print("breaking")
        break
    while True:
        async with anyio.create_task_group() as tg:
            tg.start_soon(child)
            break
    print("after the group")
    for _ in range(3):
        try:
            break
        finally:
            print("finally on break")
    print("state is", state)


anyio.run(main)
