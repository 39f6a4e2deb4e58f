# expect: 5:11: raising ExceptionGroup is not supported
import anyio

async def main():
    raise ExceptionGroup("g", [ValueError()])
