"""Ctrl+C on real AnyIO: a real SIGINT delivered at a virtual instant.

- `"interrupt"` (a statement) is `signal.raise_signal(signal.SIGINT)` in the
  task that runs it: the signal arrives while that task's own code runs.
  raise_signal runs the Python handler before it returns, so each backend's
  handler sees the task's frame: asyncio.Runner's handler cancels the main
  task (a second one raises KeyboardInterrupt right there); Trio's handler
  raises KeyboardInterrupt in the running frame (user code is not
  KI-protected).
- `"interrupt_at": [T, ...]` (top level) is SIGINT arriving at virtual time T
  while the loop waits for its next timer (the jump of the virtual clock
  stops at T, the signal is raised in the loop's own code, then the loop goes
  on: Trio's run loop is KI-protected, so the handler only marks the
  KeyboardInterrupt pending for the main task), or, when a task is `busy`
  (blocking the loop) at T, while that task's code runs.  A signal due at the
  same instant as a timer arrives before the timer fires.

The anyio_reference.py hooks: the asyncio selector and the Trio clock ask
`next_interrupt()` before they jump the clock and call `deliver_due(t)` when
they stop at an interrupt; `busy` does the same within its blocking time.
"""
import math
import signal


def setup(interp):
    interp.interrupts = sorted(float(t) for t in interp.doc.get("interrupt_at", []))
    interp.next_interrupt = lambda: _next(interp)
    interp.deliver_due = lambda now: _deliver_due(interp, now)


def _next(interp):
    return interp.interrupts[0] if interp.interrupts else math.inf


def _deliver_due(interp, now):
    """Raises SIGINT once for each interrupt due by `now`, in time order."""
    while interp.interrupts and interp.interrupts[0] <= now:
        interp.interrupts.pop(0)
        signal.raise_signal(signal.SIGINT)


async def _interrupt(interp, st, ctx):
    signal.raise_signal(signal.SIGINT)


ZERO_ARG = {"interrupt"}
ACTIONS = {"interrupt": _interrupt}
