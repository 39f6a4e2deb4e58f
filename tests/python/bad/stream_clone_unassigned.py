# expect: 6:5: clone() other than assigned to a name (rx2 = rx.clone()) is not supported
import anyio

async def main():
    tx, rx = anyio.create_memory_object_stream()
    rx.clone()

anyio.run(main)
