# expect: 6:33: print() of s.cancel_called among other arguments is not supported (only print(s.cancel_called) alone)
import anyio

async def main():
    with anyio.move_on_after(1) as s:
        print("cancel called:", s.cancel_called)
