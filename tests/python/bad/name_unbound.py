# expect: 6:5: name 'result' is used before it is bound
import anyio

async def main():
    await anyio.sleep(1)
    print("result:", result)
    result = 1
