# expect: 4:24: name 'ev' as a Condition's lock is not supported (a lock made earlier at module level)
import anyio
ev = anyio.Event()
cond = anyio.Condition(ev)

async def main():
    pass

anyio.run(main)
