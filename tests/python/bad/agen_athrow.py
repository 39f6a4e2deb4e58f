# expect: 11:11: g.athrow() is not supported (anext(g), g.asend(None) and g.aclose() are)
import anyio


async def gen():
    yield 1


async def main():
    g = gen()
    await g.athrow(ValueError)


anyio.run(main)
