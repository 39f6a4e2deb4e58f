# expect: 5:11: awaiting call of anyio.Condition().wait is not supported
import anyio

async def main():
    await anyio.Condition().wait()
