# expect: 5:5: bare 'raise' in a thread is not supported
import anyio

def work():
    raise

async def main():
    await anyio.to_thread.run_sync(work)
