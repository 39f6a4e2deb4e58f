# expect: 5:5: 'if' statement is not supported
import anyio

async def main():
    if 1:
        await anyio.sleep(1)
