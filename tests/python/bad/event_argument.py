# expect: 9:5: argument 1 of 'waiter' must be an event, not a value
import anyio

async def waiter(ev):
    await ev.wait()

async def main():
    await anyio.sleep(0)
    await waiter("ready")
