# expect: 7:16: 'async with BlockingPortal()' without 'as' is not supported (the threads need its name)
import anyio
from anyio.from_thread import BlockingPortal


async def main():
    async with BlockingPortal():
        pass
