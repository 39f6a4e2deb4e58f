# expect: 6:11: send() on a receive stream is not supported (it has no send)
import anyio

async def main():
    tx, rx = anyio.create_memory_object_stream()
    await rx.send(1)

anyio.run(main)
