# expect: 5:31: arithmetic as a group's exceptions is not supported (only a list of exceptions)
import anyio

async def main():
    raise ExceptionGroup("g", [ValueError()] * 2)
