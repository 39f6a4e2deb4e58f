"""An async generator object driven by hand: anext(), asend(None),
StopAsyncIteration once it is exhausted, and aclose() of a second one whose
finally awaits."""
import anyio


async def ticks(start):
    try:
        print("gen starts at", start)
        yield 1
        await anyio.sleep(1)
        yield 2
    finally:
        print("gen finally", start)
        await anyio.sleep(0.5)
        print("gen closed", start)


async def main():
    g = ticks(10)
    v = await anext(g)
    print("main got", v)
    v = await g.asend(None)
    print("main got", v)
    try:
        await anext(g)
    except StopAsyncIteration:
        print("exhausted")
    h = ticks(20)
    v = await anext(h)
    print("h got", v)
    await h.aclose()
    print("done")


anyio.run(main)
