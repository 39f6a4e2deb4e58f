# expect: 2:1: from concurrent.futures only CancelledError is supported
from concurrent.futures import Future

async def main():
    pass
