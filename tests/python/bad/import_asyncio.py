# expect: 2:1: import of 'asyncio' is not supported (only anyio, time, math, contextlib and signal)
import asyncio

async def main():
    await asyncio.sleep(1)
