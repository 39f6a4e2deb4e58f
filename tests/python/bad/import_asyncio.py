# expect: 2:1: import of 'asyncio' is not supported (only anyio, time and math)
import asyncio

async def main():
    await asyncio.sleep(1)
