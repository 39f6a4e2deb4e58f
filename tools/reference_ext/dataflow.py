"""Named values and control flow (scenario-format.md, "Named values and
control flow"), run as the Python they stand for:

- `if` with a condition, `loop` (while True), `break`, `continue`, `let`,
  `print`, `return_value`;
- `as` on call / to_thread and on an except handler, arguments of `call` and
  of a spawn's `function`, functions with `params` (the interpreter calls the
  helpers below where those statements run);
- task handles (AnyIO 4.14's TaskGroup.create_task): `create_task`,
  `await_task` (with `as`), `cancel_task`, and the `task_status` condition.

A function's named values are a dict in its Ctx (`ctx.vars`); a task group's
body shares its function's dict, a call or a spawned task starts a new one.
Conditions, print() and comparisons are Python's own (a comparison between
types that have no order raises the TypeError Python raises).
"""
import sys


class Break:
    """`break` travels back to its loop as a value, as Ret does to its function."""


class Continue:
    """`continue` travels back to its loop as a value."""


BREAK, CONTINUE = Break(), Continue()


def _ret(interp, value):
    return sys.modules[type(interp).__module__].Ret(value)


def loop_signal(r):
    """What a loop does with its body's result: "break", "continue", or None."""
    if r is BREAK:
        return "break"
    if r is CONTINUE:
        return "continue"
    return None


def function_body(fn):
    """A function of `functions`: a list of statements or {"params", "body"}."""
    return fn["body"] if isinstance(fn, dict) else fn


def function_params(fn):
    return fn.get("params", []) if isinstance(fn, dict) else []


def value(interp, ctx, x):
    """An argument / print part / let value: a literal or {"name": NAME}."""
    if isinstance(x, dict):
        name = x["name"]
        if name in ctx.vars:
            return ctx.vars[name]
        if name in interp.doc.get("events", []):
            return interp.event(name)
        raise NameError(name)
    return x


def bind(ctx, st, v):
    if isinstance(st, dict) and "as" in st:
        ctx.vars[st["as"]] = v


def call_vars(interp, fn, st, ctx):
    """The new function's named values: its parameters bound to the arguments."""
    args = [value(interp, ctx, a) for a in st.get("args", [])]
    return dict(zip(function_params(fn), args))


def event_of(interp, ctx, name):
    """`wait` / `set` of a declared event, or of a parameter holding one."""
    v = ctx.vars.get(name)
    return v if v is not None and not isinstance(v, (str, int, float, list, dict)) else interp.event(name)


def _ctx(interp, *args):
    return sys.modules[type(interp).__module__].Ctx(*args)


async def _create_task(interp, st, ctx):
    tg = interp.latest[st["in"]] if "in" in st else ctx.tg
    if "function" in st:  # the arguments are taken now, in the spawner
        fn = interp.functions[st["function"]]
        body, vars_ = function_body(fn), call_vars(interp, fn, st, ctx)
    else:
        body, vars_ = st["body"], None
    rec = interp.new_task(interp.instance(st["create_task"]))
    try:
        coro = interp.task_main(rec, body, _ctx(interp, rec, ctx.tg, vars_))
        h = tg.create_task(coro, name=rec.name)
    except BaseException:
        coro.close()
        interp.tasks.remove(rec)  # refused: the task never existed
        raise
    interp.latest[st["create_task"]] = h


async def _await_task(interp, st, ctx):
    ctx.task.wait = f"await_task {st['await_task']}"
    r = await interp.latest[st["await_task"]]
    bind(ctx, st, r.value if r is not None else None)


async def _cancel_task(interp, st, ctx):
    interp.latest[st["cancel_task"]].cancel()


def scope_key(name):
    """Where a function keeps the scope or group instance it entered: a condition
    of that function reads it (Python's local variable; several tasks may run
    the function at once), any other the latest instance of the name."""
    return ("scope", name)


def _scope(interp, ctx, name):
    obj = ctx.vars.get(scope_key(name))
    if obj is None:
        return interp.scope_obj(name)
    return getattr(obj, "cancel_scope", obj)


def _cond(interp, ctx, c):
    if "task_status" in c:
        return interp.latest[c["task_status"]].status.name.lower() == c["is"]
    if "not" in c:
        return not _cond(interp, ctx, c["not"])
    if "cancelled_caught" in c:
        return _scope(interp, ctx, c["cancelled_caught"]).cancelled_caught
    if "cancel_called" in c:
        return _scope(interp, ctx, c["cancel_called"]).cancel_called
    if "exc_args" in c:
        args = ctx.vars[c["exc_args"]].args
        same = args == tuple(c["to"])
        return same if c["op"] == "==" else not same
    v = ctx.vars[c["value"]]
    if "op" not in c:
        return bool(v)
    to = c["to"]
    op = c["op"]
    return {"==": lambda: v == to, "!=": lambda: v != to, "<": lambda: v < to, "<=": lambda: v <= to,
            ">": lambda: v > to, ">=": lambda: v >= to}[op]()


async def _if(interp, st, ctx):
    if _cond(interp, ctx, st["if"]):
        return await interp.body(st["then"], ctx)
    if "else" in st:
        return await interp.body(st["else"], ctx)
    return None


async def _loop(interp, st, ctx):
    while True:
        interp.steps += 1  # an iteration is a step, as in cancelsim
        r = await interp.body(st["loop"], ctx)
        sig = loop_signal(r)
        if sig == "break":
            return None
        if sig is None and r is not None:
            return r


async def _break(interp, st, ctx):
    return BREAK


async def _continue(interp, st, ctx):
    return CONTINUE


async def _let(interp, st, ctx):
    ctx.vars[st["let"]] = value(interp, ctx, st["value"])


async def _print(interp, st, ctx):
    interp.add_log(ctx.task, " ".join(str(value(interp, ctx, x)) for x in st["print"]))


async def _return_value(interp, st, ctx):
    return _ret(interp, ctx.vars[st["return_value"]])


ACTIONS = {"if": _if, "loop": _loop, "let": _let, "print": _print, "return_value": _return_value,
           "break": _break, "continue": _continue,
           "create_task": _create_task, "await_task": _await_task, "cancel_task": _cancel_task}
ZERO_ARG = {"break", "continue"}


def sub_bodies(st):
    if isinstance(st, str):
        return []
    out = []
    if "if" in st:
        out += [st["then"]] + ([st["else"]] if "else" in st else [])
    if "loop" in st:
        out.append(st["loop"])
    return out
