# expect: 4:16: invalid syntax
import anyio

async def main(:
    pass
