# expect: 6:27: name 'delay' as a duration is not supported (only a literal)
import anyio

async def main():
    with anyio.CancelScope():
        await anyio.sleep(delay)
