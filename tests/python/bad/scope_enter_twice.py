# expect: 7:5: s.__enter__() is not supported (only of a scope made by s = anyio.CancelScope(...) and not entered yet)
import anyio

async def main():
    s = anyio.CancelScope()
    s.__enter__()
    s.__enter__()
