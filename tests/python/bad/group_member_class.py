# expect: 5:32: name 'ValueError' in an exception group is not supported (only an exception constructed there: ValueError("m"))
import anyio

async def main():
    raise ExceptionGroup("g", [ValueError])
