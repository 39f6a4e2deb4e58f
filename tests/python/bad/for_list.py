# expect: 5:5: 'for' loop other than 'for _ in range(n):' is not supported
import anyio

async def main():
    for x in [1, 2]:
        await anyio.sleep(x)
