# expect: 12:5: 'async with aclosing(gen()) as g:' is supported only around one 'async for NAME in g:' loop (without else)
from contextlib import aclosing

import anyio


async def gen():
    yield 1


async def main():
    async with aclosing(gen()) as g:
        print("not a loop")


anyio.run(main)
