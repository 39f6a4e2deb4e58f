# expect: 5:10: 'with' of call of open is not supported
import anyio

async def main():
    with open("f"):
        pass
