# expect: 5:5: function 'again' is called recursively
import anyio

async def again():
    await again()

async def main():
    await again()
