# expect: 5:11: ExceptionGroup() other than with a message and a list of exceptions is not supported
import anyio

async def main():
    raise ExceptionGroup("g")
