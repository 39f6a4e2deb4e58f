# expect: 5:20: 'async for' over call of anyio.something is not supported (only a receive stream)
import anyio

async def main():
    async for x in anyio.something():
        pass
