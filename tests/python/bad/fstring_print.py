# expect: 5:11: f-string as a print() argument is not supported (only a literal)
import anyio

async def main():
    print(f"at {anyio.current_time()}")
