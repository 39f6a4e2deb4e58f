# expect: 6:5: value: total_tokens must be an integer >= 0 or "inf"
import anyio

lim = anyio.CapacityLimiter(1)
async def main():
    lim.total_tokens = 2.5
