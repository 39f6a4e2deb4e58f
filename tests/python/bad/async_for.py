# expect: 5:5: 'async for' loop is not supported
import anyio

async def main():
    async for x in anyio.something():
        pass
