"""Waiting for an event nobody sets: a deadlock."""
import anyio

never = anyio.Event()


async def main():
    print("waiting forever")
    await never.wait()


anyio.run(main)
