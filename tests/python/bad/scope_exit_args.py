# expect: 7:5: __exit__() other than __exit__(None, None, None) is not supported
import anyio

async def main():
    s = anyio.CancelScope()
    s.__enter__()
    s.__exit__()
