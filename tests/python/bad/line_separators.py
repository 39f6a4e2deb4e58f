# expect: 5:5: assignment is not supported (only scope.shield = ... or scope.deadline = ...)
import anyio
# lines as Python counts them: a form feed  and a line separator   do not end one
async def main():
    x = 1
