# expect: 8:9: 'exc' may be a cancellation, whose str() and args hold an address: name only Exception subclasses in this handler
import anyio

async def main():
    try:
        await anyio.sleep(1)
    except BaseException as exc:
        print(exc)
        raise
