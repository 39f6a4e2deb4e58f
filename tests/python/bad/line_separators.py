# expect: 6:18: attribute as a print() argument is not supported (only a literal)
import anyio
# lines as Python counts them: a form feed and a line separator   do not end one
async def main():
    # here 
    print("ééé", y.z)
