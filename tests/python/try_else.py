"""try/except/else/finally when nothing is raised, and a bare except."""
import anyio


async def main():
    try:
        await anyio.sleep(1)
    except ValueError:
        print("never printed")
    else:
        print("else")
    finally:
        print("finally")
    try:
        raise TypeError()
    except:  # noqa: E722
        print("bare except")
    return 42


anyio.run(main)
