# expect: 2:1: import of 'threading' is not supported (only anyio, time, math, contextlib, signal and asyncio)
import threading

async def main():
    pass
