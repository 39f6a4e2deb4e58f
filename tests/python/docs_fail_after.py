"""AnyIO docs, Cancellation and timeouts: fail_after raises TimeoutError."""
from anyio import fail_after, run, sleep


async def main():
    try:
        with fail_after(1):
            print("Starting sleep")
            await sleep(2)
            print("This should never be printed")
    except TimeoutError:
        print("Timed out")


run(main)
