# expect: 6:5: 'break' outside a loop
import anyio

async def main():
    await anyio.sleep(1)
    break
