# expect: 5:48: max_buffer_size 1.5 is not supported (an integer >= 0 or math.inf; AnyIO raises ValueError)
import anyio

async def main():
    tx, rx = anyio.create_memory_object_stream(1.5)

anyio.run(main)
