"""A producer sends three items through an unbuffered stream and closes it;
the consumer iterates it until the end of the stream."""
import anyio

send_stream, receive_stream = anyio.create_memory_object_stream(0)


async def producer():
    async with send_stream:
        for _ in range(3):
            await send_stream.send("item")
            print("sent")
    print("producer closed its end")


async def consumer():
    async with receive_stream:
        async for item in receive_stream:
            print("received")
            await anyio.sleep(1)
    print("end of stream")


async def main():
    async with anyio.create_task_group() as tg:
        tg.start_soon(producer)
        tg.start_soon(consumer)


anyio.run(main)
