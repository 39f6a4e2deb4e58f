# expect: 7:15: 'with s as ...' is not supported (use s itself)
import anyio

async def main():
    with anyio.CancelScope() as s:
        pass
    with s as again:
        pass
