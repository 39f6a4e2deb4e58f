# expect: 5:11: name 'Oops' as an exception class is not supported (a built-in exception or a class defined earlier in the file)
import anyio

async def main():
    raise Oops("x")
