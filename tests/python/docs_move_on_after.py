"""AnyIO docs, Cancellation and timeouts: a timeout with move_on_after."""
from anyio import move_on_after, run, sleep


async def main():
    with move_on_after(1):
        print("Starting sleep")
        await sleep(2)
        print("This should never be printed")
    print("Exited cancel scope")


run(main)
