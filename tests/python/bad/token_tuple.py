# expect: 6:5: current_token() other than assigned to a name is not supported
import anyio


async def main():
    a, b = anyio.lowlevel.current_token()
