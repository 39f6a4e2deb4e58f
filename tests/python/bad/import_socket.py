# expect: 2:1: import of 'socket' is not supported (only anyio, time, math, contextlib, signal, asyncio and threading)
import socket

async def main():
    pass
