# expect: 5:5: assignment is not supported (only scope.shield = ... or scope.deadline = ...)
import anyio

async def main():
    x = await anyio.sleep(1)
