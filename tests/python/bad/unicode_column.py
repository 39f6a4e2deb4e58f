# expect: 5:20: attribute as a print() argument is not supported (only a literal)
import anyio

async def main():
    print("héllo", name.x)
