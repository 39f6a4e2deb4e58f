"""Cancel scopes entered and exited by hand on real AnyIO (issue 19).

- {"scope_enter": NAME, "deadline": D, "shield": B}:
  NAME = anyio.CancelScope(deadline=D, shield=B); NAME.__enter__()
- {"scope_exit": NAME}: NAME.__exit__(None, None, None) on the latest
  instance of NAME, in whichever task runs the statement: the misuse AnyIO
  answers with RuntimeError (another task, the wrong order, twice).

The scope's outcome state is taken when an exit succeeds (as a `with`
block's is), otherwise at the end of the run.

Trio's RuntimeError("Cancel scope stack corrupted: ...") names objects by
their address and ends with a paragraph of advice (MISNESTING_ADVICE); no
run can repeat an address, so the outcome keeps the message's first line
with every scope's address written "0x?" (a task's repr is written
<Task 'name'> by exc_message already), and the main task's as <Task 'main'>
(this script's main is a method): what cancelsim prints.
"""
import math
import re

from . import dataflow


def _num(v):
    return {"inf": math.inf, "-inf": -math.inf}.get(v, v) if isinstance(v, str) else float(v)


async def _scope_enter(interp, st, ctx):
    declared = st["scope_enter"]
    name = interp.instance(declared)
    s = interp.anyio.CancelScope(deadline=_num(st.get("deadline", math.inf)), shield=st.get("shield", False))
    interp.latest[declared] = s
    ctx.vars[dataflow.scope_key(declared)] = s
    interp.scope_misuse_names[declared] = name
    interp.enter_scope(name, "cancel_scope", s)
    s.__enter__()


async def _scope_exit(interp, st, ctx):
    declared = st["scope_exit"]
    s = interp.latest[declared]
    s.__exit__(None, None, None)
    interp.exit_scope(interp.scope_misuse_names[declared])


def setup(interp):
    interp.scope_misuse_names = {}


_CORRUPTED = "Cancel scope stack corrupted"


def _normalize(x):
    if not isinstance(x, dict):
        return
    msg = x.get("message")
    if isinstance(msg, str) and msg.startswith(_CORRUPTED):
        msg = re.sub(r"0x[0-9a-f]+", "0x?", msg.split("\n", 1)[0])
        x["message"] = msg.replace("<Task '__main__.Interp.main'>", "<Task 'main'>")
    for sub in x.get("exceptions", ()):
        _normalize(sub)


def outcome(interp, out):
    if out.get("result"):
        _normalize(out["result"].get("raised"))
    for t in out["tasks"].values():
        _normalize(t.get("exception"))


ACTIONS = {"scope_enter": _scope_enter, "scope_exit": _scope_exit}
