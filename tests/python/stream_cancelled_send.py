"""A send waiting on an unbuffered stream times out: nothing is delivered,
and the receiver that comes later finds the stream empty."""
import anyio

tx, rx = anyio.create_memory_object_stream()


async def sender():
    with anyio.move_on_after(1):
        await tx.send("lost")
        print("not reached")
    print("gave up sending")


async def receiver():
    await anyio.sleep(2)
    try:
        rx.receive_nowait()
    except anyio.WouldBlock:
        print("nothing there")


async def main():
    async with anyio.create_task_group() as tg:
        tg.start_soon(sender)
        tg.start_soon(receiver)


anyio.run(main)
