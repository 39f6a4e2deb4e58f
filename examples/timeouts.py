# cancelsim: verify
"""move_on_after swallows its timeout; fail_after turns it into TimeoutError."""
import anyio

# What real AnyIO does (checked by tests/t_python.sh); `cancelsim verify` and
# the pytest plugin compare the run with it.
CANCELSIM_EXPECT = {"result": {"returned": None}, "end_time": 2,
                    "log": [{"t": 1, "msg": "moved on at 1"}, {"t": 2, "msg": "timed out at 2"}]}

async def main():
    with anyio.move_on_after(1):
        await anyio.sleep(5)
    print("moved on at 1")
    try:
        with anyio.fail_after(1):
            await anyio.sleep(5)
    except TimeoutError:
        print("timed out at 2")


anyio.run(main)
