# expect: 8:15: p.stop() other than with cancel_remaining is not supported
import anyio
from anyio.from_thread import BlockingPortal


async def main():
    async with BlockingPortal() as portal:
        await portal.stop(force=True)
