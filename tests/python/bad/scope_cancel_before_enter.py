# expect: 6:5: s.cancel() of a CancelScope not entered yet is not supported
import anyio

async def main():
    s = anyio.CancelScope()
    s.cancel()
    with s:
        await anyio.sleep(1)
