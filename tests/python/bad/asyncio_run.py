# expect: 11:1: asyncio.run() is not supported (the program is run by anyio.run(main), on AnyIO's backends)
import asyncio

import anyio


async def main():
    await anyio.sleep(1)


asyncio.run(main())
