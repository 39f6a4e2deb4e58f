"""A retry loop: a fetch that fails once, then succeeds; the state is a name
(no arithmetic), a failure is caught and the loop goes on."""
import anyio


class Flaky(Exception):
    pass


async def fetch(attempt):
    await anyio.sleep(1)
    if attempt == "first":
        raise Flaky("try again")
    return {"status": 200}


async def main():
    attempt = "first"
    while True:
        try:
            response = await fetch(attempt)
        except Flaky as exc:
            print("attempt failed:", exc)
            attempt = "second"
            continue
        print("got", response)
        break
    with anyio.move_on_after(0.5) as scope:
        await fetch("second")
    if not scope.cancelled_caught:
        print("never")
    print("gave up waiting")


anyio.run(main)
