# expect: 5:5: 'reraise' is only allowed inside an except handler
import anyio

async def main():
    raise
