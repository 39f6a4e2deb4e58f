# expect: 6:5: augmented assignment is not supported
import anyio

async def main():
    x = 1
    x += 1
