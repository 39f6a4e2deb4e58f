# expect: 5:20: name 'name' as a print() argument is not supported (only a literal)
import anyio

async def main():
    print("héllo", name)
