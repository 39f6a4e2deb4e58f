"""except ... as exc: print(exc) and checks of exc.args; a loop ended by an
exception."""
import anyio


class DbError(OSError):
    pass


async def poll():
    await anyio.sleep(1)
    raise DbError("connection lost")


async def main():
    try:
        while True:
            await poll()
    except DbError as exc:
        print("caught:", exc)
        if exc.args == ("connection lost",):
            print("args match")
    try:
        with anyio.fail_after(1):
            await anyio.sleep_forever()
    except TimeoutError as exc:
        print("timeout:", exc)
        if exc.args == ():
            print("no args")
    try:
        raise KeyError("missing")
    except (KeyError, IndexError) as err:
        print(err)
        if err.args != ("other",):
            print("not other")


anyio.run(main)
