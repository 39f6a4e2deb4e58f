# expect: 4:2: decorator is not supported
import anyio

@anyio.something
async def main():
    pass
