# expect: 5:5: create_memory_object_stream() is only supported at module level or in the body of 'main' itself (a stream made once for the whole run)
import anyio

async def helper():
    tx, rx = anyio.create_memory_object_stream()

async def main():
    await helper()

anyio.run(main)
