# expect: 5:9: a tuple as a value is not supported (a list is)
import anyio

async def main():
    x = (1, 2)
