"""Extensions of tools/anyio_reference.py, one module per area of AnyIO.

Each module here (streams, generators, native asyncio, portals, ...) adds
statements to the reference script without editing its interpreter, so that
areas grow side by side.  A module may define:

- ACTIONS: {action key: async def fn(interp, st, ctx)} - runs the statement
  on real AnyIO; returns None, or a Ret to end the body as `return` does;
- ZERO_ARG: set of action keys written as a bare string ("checkpoint");
- THREAD_STEPS: {step key: def fn(interp, step, job)} - steps of a worker
  thread body (run in the worker thread);
- sub_bodies(st) -> list of statement lists nested in st (for the check that
  every statement is supported);
- setup(interp): called once per run before main starts (declarations);
- outcome(interp, out): may add to the outcome dict before it is printed.

Modules are found by name (pkgutil), in sorted order, so adding a file is all
it takes; two modules must not claim the same action key.
"""
import importlib
import pkgutil

ACTIONS = {}
ZERO_ARG = set()
THREAD_STEPS = {}
MODULES = []

for _info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
    _mod = importlib.import_module(f"{__name__}.{_info.name}")
    MODULES.append(_mod)
    for _k, _fn in getattr(_mod, "ACTIONS", {}).items():
        assert _k not in ACTIONS, f"action {_k!r} claimed twice"
        ACTIONS[_k] = _fn
    ZERO_ARG |= set(getattr(_mod, "ZERO_ARG", ()))
    for _k, _fn in getattr(_mod, "THREAD_STEPS", {}).items():
        assert _k not in THREAD_STEPS, f"thread step {_k!r} claimed twice"
        THREAD_STEPS[_k] = _fn


def sub_bodies(st):
    out = []
    for m in MODULES:
        f = getattr(m, "sub_bodies", None)
        if f:
            out.extend(f(st))
    return out


def setup(interp):
    for m in MODULES:
        f = getattr(m, "setup", None)
        if f:
            f(interp)


def outcome(interp, out):
    for m in MODULES:
        f = getattr(m, "outcome", None)
        if f:
            f(interp, out)
