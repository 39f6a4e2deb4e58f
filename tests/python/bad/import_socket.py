# expect: 2:1: import of 'socket' is not supported (only anyio, time, math, contextlib, signal, asyncio, threading and concurrent.futures)
import socket

async def main():
    pass
