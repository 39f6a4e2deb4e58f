# expect: 4:1: call of print at module level is not supported
import anyio

print("hello")

async def main():
    pass
