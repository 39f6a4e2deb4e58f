"""Cancel scopes exited by hand in the wrong order: AnyIO refuses the outer scope's exit while the inner
one is entered (asyncio leaves both entered; Trio closes the outer one anyway and abandons the inner)."""
import anyio


async def main():
    outer = anyio.CancelScope()
    inner = anyio.CancelScope(deadline=5)
    outer.__enter__()
    inner.__enter__()
    try:
        outer.__exit__(None, None, None)
    except RuntimeError:
        print("outer exit refused")
    await anyio.sleep(1)
    try:
        inner.__exit__(None, None, None)
        print("inner exited")
    except RuntimeError:
        print("inner exit refused")
    try:
        outer.__exit__(None, None, None)
        print("outer exited")
    except RuntimeError:
        print("outer exit refused again")
    await anyio.sleep(1)
    print("end")


anyio.run(main)
