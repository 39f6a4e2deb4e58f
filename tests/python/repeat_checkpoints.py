"""A loop of checkpoints under a cancel scope cancelled from inside."""
import anyio
from anyio.lowlevel import cancel_shielded_checkpoint, checkpoint, checkpoint_if_cancelled


async def main():
    with anyio.CancelScope() as scope:
        for _ in range(3):
            print("tick")
            await checkpoint()
        scope.cancel()
        await cancel_shielded_checkpoint()
        print("still running after a shielded checkpoint")
        await checkpoint_if_cancelled()
        print("never printed")
    print("out of the scope")


anyio.run(main)
