# expect: 8:36: name 'work' as the function to run in a thread is not supported (only a plain def of the file)
import anyio

async def work():
    pass

async def main():
    await anyio.to_thread.run_sync(work)
