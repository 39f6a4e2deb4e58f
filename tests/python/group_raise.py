"""Raising an ExceptionGroup by hand (a batch of validation errors, one nested group), and except* taking
the ValueErrors out of it; the KeyError part goes on to anyio.run()."""
import anyio


async def validate():
    await anyio.sleep(1)
    raise ExceptionGroup("validation failed", [
        ValueError("bad name"),
        ExceptionGroup("address", [ValueError("bad zip"), KeyError("street")]),
        TypeError(),
    ])


async def main():
    try:
        await validate()
    except* ValueError:
        print("value errors handled")
    except* TypeError:
        print("type error handled")


anyio.run(main)
