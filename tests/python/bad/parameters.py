# expect: 4:18: function parameter 'n' is not supported (only positional parameters, and task_status=anyio.TASK_STATUS_IGNORED)
import anyio

async def worker(n=1):
    pass

async def main():
    await worker()
