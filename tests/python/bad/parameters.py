# expect: 4:18: function parameter 'n' is not supported (only task_status=anyio.TASK_STATUS_IGNORED)
import anyio

async def worker(n):
    pass

async def main():
    pass
