# expect: 4:20: unknown expectation key 'bogus'
import anyio

CANCELSIM_EXPECT = {"bogus": 1}


async def main():
    pass
