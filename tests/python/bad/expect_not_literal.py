# expect: 4:20: CANCELSIM_EXPECT other than a literal dict is not supported
import anyio

CANCELSIM_EXPECT = dict(end_time=1)


async def main():
    pass
