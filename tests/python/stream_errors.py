"""WouldBlock, EndOfStream, ClosedResourceError and BrokenResourceError, as
AnyIO raises them, on a one-item buffer made inside main."""
import math

import anyio


async def main():
    tx, rx = anyio.create_memory_object_stream(1)
    tx.send_nowait(1)
    try:
        tx.send_nowait(2)
    except anyio.WouldBlock:
        print("full")
    item = rx.receive_nowait()
    tx2 = tx.clone()
    tx.close()
    try:
        tx.send_nowait(3)
    except anyio.ClosedResourceError:
        print("this end is closed")
    await tx2.aclose()
    try:
        await rx.receive()
    except anyio.EndOfStream:
        print("end of stream")
    big_tx, big_rx = anyio.create_memory_object_stream(max_buffer_size=math.inf)
    big_rx.close()
    try:
        await big_tx.send(4)
    except anyio.BrokenResourceError:
        print("nobody receives")
    rx.close()


anyio.run(main)
