# expect: 7:5: 'except* ... as' is not supported
import anyio

async def main():
    try:
        await anyio.sleep(1)
    except* ValueError as eg:
        pass
