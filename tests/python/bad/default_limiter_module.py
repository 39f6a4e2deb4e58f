# expect: 5:7: call of anyio.to_thread.current_default_thread_limiter at module level is not supported
import anyio
import anyio.to_thread

lim = anyio.to_thread.current_default_thread_limiter()

async def main():
    lim.total_tokens = 1
