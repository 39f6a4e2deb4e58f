# expect: 5:32: 'raise ... from' is not supported
import anyio

async def main():
    raise ValueError("x") from None
