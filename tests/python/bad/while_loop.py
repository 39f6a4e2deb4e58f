# expect: 5:5: 'while' loop is not supported
import anyio

async def main():
    while True:
        await anyio.sleep(1)
