# expect: 1:1: no async function 'main' to run
import anyio

async def other():
    pass
