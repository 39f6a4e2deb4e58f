"""TaskGroup.start() and TaskHandle details on real AnyIO (issue 18).

{"start": NAME, "body": [...]} is `value = await tg.start(fn, name=NAME)`
(`as` binds the value); with "return_handle": true it is
`h = await tg.start(fn, name=NAME, return_handle=True)`, and NAME then names
the handle for await_task / cancel_task / task_status, as a create_task
handle does.  {"started": v} is `task_status.started(v)`.
{"task_return_value": NAME, "as": v} is `v = handle.return_value` (no await).  A start_soon
without `count` keeps the handle 4.14's start_soon returns, under its name.
"""
import sys

from . import dataflow


async def _start(interp, st, ctx):
    name = st["start"]
    tg = interp.latest[st["in"]] if "in" in st else ctx.tg
    if "function" in st:  # the arguments are taken now, in the spawner
        fn = interp.functions[st["function"]]
        body, vars_ = dataflow.function_body(fn), dataflow.call_vars(interp, fn, st, ctx)
    else:
        body, vars_ = st["body"], None
    rec = interp.new_task(interp.instance(name))
    Ctx = sys.modules[type(interp).__module__].Ctx

    async def child(*, task_status):
        rec.task_status = task_status
        return await interp.task_main(rec, body, Ctx(rec, ctx.tg, vars_))

    ctx.task.wait = f"start {name}"
    handle = st.get("return_handle", False)
    try:
        v = await tg.start(child, name=rec.name, return_handle=handle)
    except BaseException:
        if not rec.started and rec in interp.tasks and rec.state == "unfinished":
            interp.tasks.remove(rec)  # refused (an inactive group): the task never existed
        raise
    if handle:
        interp.latest[name] = v
        v = v.start_value
    dataflow.bind(ctx, st, v)


async def _started(interp, st, ctx):
    ctx.task.task_status.started(dataflow.value(interp, ctx, st["started"]) if isinstance(st["started"], dict)
                                 and "name" in st["started"] else st["started"])


async def _task_return_value(interp, st, ctx):
    """v = h.return_value: no await; TaskNotFinished while the task runs."""
    r = interp.latest[st["task_return_value"]].return_value  # what task_main returned: a Ret, or None
    dataflow.bind(ctx, st, r.value if r is not None else None)


def setup(interp):
    if hasattr(interp.anyio, "TaskNotFinished"):  # what task_return_value may raise (the loader adds the class)
        interp.classes.setdefault("TaskNotFinished", interp.anyio.TaskNotFinished)


ACTIONS = {"start": _start, "started": _started, "task_return_value": _task_return_value}


def sub_bodies(st):
    if isinstance(st, dict) and "start" in st and "body" in st:
        return []  # the interpreter's sub_bodies takes "body" already
    return []
