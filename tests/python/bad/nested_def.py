# expect: 5:5: nested function is not supported
import anyio

async def main():
    async def inner():
        pass
