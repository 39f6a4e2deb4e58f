# expect: 5:5: 'while' loop other than 'while True:' is not supported
import anyio

async def main():
    while 1 < 2:
        await anyio.sleep(1)
