# expect: 4:2: decorator is not supported (only @asynccontextmanager on an async generator)
import anyio

@anyio.something
async def main():
    pass
