# expect: 6:8: boolean operator as a condition is not supported (only scope.cancelled_caught, scope.cancel_called, a name, a comparison of a name with a literal, exc.args == (...), and not)
import anyio

async def main():
    x = 1
    if x and x:
        await anyio.sleep(1)
