"""recorder.py - runs a real AnyIO program and writes what it did as a
cancelsim trace (docs/scenario-format.md section 5), so that `cancelsim trace`,
`dot`, `timeline`, `explain` and the findings read it as a simulated run.

How events are caught (docs/recording.md says which are exact):
- tasks: AnyIO's TaskGroup.start_soon/start on both backends are wrapped, so a
  task is spawned, starts and ends inside a wrapper that knows its name, its
  parent and its group; the task running now is a ContextVar the wrapper sets
  (AnyIO copies the context into tasks and worker threads).
- scopes: the backends' CancelScope __enter__/__exit__/cancel and deadline and
  shield setters are wrapped; move_on_after and fail_after are wrapped to give
  the scope its kind; a task group's own cancel scope is the task group scope.
- cancellations AnyIO requests through cancel() (asyncio: deadlines and
  failing children too) are recorded when they happen; those Trio makes by
  itself (a deadline, a nursery whose child failed) are inferred when the
  scope or task is seen cancelled, and placed at the deadline's time or right
  after the failing child's end.
- worker threads: anyio.to_thread.run_sync is wrapped.
- logs: log() and print().

Events are kept in memory and written at the end of each anyio.run(): the
run_start line lists the exception classes, which are known only then.
"""
import argparse
import builtins
import contextlib
import contextvars
import functools
import json
import math
import os
import runpy
import selectors
import sys
import threading
import time

# The built-in classes in the order cancelsim numbers them (sim/exc.h), as
# run_start lists them; the backend's cancellation class follows.  cancelsim's
# own list, when $CANCELSIM names the binary, wins (builtin_classes).
BUILTIN_CLASSES = [
    "BaseException", "Exception", "ArithmeticError", "ZeroDivisionError", "LookupError", "KeyError",
    "IndexError", "ValueError", "TypeError", "RuntimeError", "NotImplementedError", "OSError",
    "ConnectionError", "TimeoutError", "KeyboardInterrupt", "SystemExit", "GeneratorExit",
    "BaseExceptionGroup", "ExceptionGroup", "TaskFailed", "TaskCancelled", "WouldBlock",
    "BrokenResourceError", "ClosedResourceError", "EndOfStream", "RunFinishedError",
]
_probed = {}


def builtin_classes(backend):
    """run_start's built-in classes for `backend`: those `$CANCELSIM run`
    writes for an empty scenario when $CANCELSIM is set and its trace lists
    them, else BUILTIN_CLASSES and the backend's cancellation class."""
    if backend in _probed:
        return list(_probed[backend])
    classes = BUILTIN_CLASSES + [CANCEL_CLASS[backend]]
    exe = os.environ.get("CANCELSIM")
    if exe:
        import subprocess
        import tempfile
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "t.jsonl")
            try:
                subprocess.run([exe, "run", "-", "--backend", backend, "--trace", path], input='{"format": 1, "main": []}',
                               text=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30)
                with open(path, encoding="utf-8") as f:
                    listed = json.loads(f.readline()).get("classes")
                if isinstance(listed, list) and listed and listed[-1] == CANCEL_CLASS[backend]:
                    classes = listed
            except (OSError, ValueError, subprocess.SubprocessError):
                pass
    _probed[backend] = classes
    return list(classes)
CANCEL_CLASS = {"asyncio": "CancelledError", "trio": "Cancelled"}
# How long (real seconds) a virtual clock waits for a running worker thread
# before it jumps to the next deadline anyway.
THREAD_WAIT = float(os.environ.get("CANCELSIM_RECORD_THREAD_WAIT", "0.1"))
MAX_EVENTS = 2_000_000  # a limit on the trace kept in memory

_current_task = contextvars.ContextVar("cancelsim_record_task", default=None)
_REC = None  # the Recording of the anyio.run() in progress
_real_print = builtins.print
_ANYIO_DIR = None


class Deadlock(BaseException):
    """Every task waits and no timer is pending (virtual time only)."""


def log(msg, value=None):
    """Puts a line in the trace's log, from a task or its worker thread."""
    rec = _REC
    if rec is not None:
        rec.log(str(msg), value)


# ---- one recorded run -------------------------------------------------------


class Scope:
    __slots__ = ("id", "name", "kind", "task", "obj", "cancelled", "enter_pos", "failed_end")

    def __init__(self, sid, name, kind, task, obj):
        self.id, self.name, self.kind, self.task, self.obj = sid, name, kind, task, obj
        self.cancelled = False  # a cancel event was written for it
        self.enter_pos = 0  # index of its scope_enter in the events
        self.failed_end = None  # index after the first failed child's task_end


class Recording:
    def __init__(self, scenario, backend, virtual):
        self.scenario, self.backend, self.virtual = scenario, backend, virtual
        self.events = []
        self.lock = threading.RLock()
        self.exc_ids = {}  # id(exception) -> (number, exception, its JSON)
        self.classes = builtin_classes(backend)
        self.task_names = set()
        self.task_group = {}  # task name -> its group Scope
        self.stacks = {}  # task name -> its open scopes, innermost last
        self.scopes = {}  # id(scope object) -> Scope
        self.nscopes = 0
        self.delivered = set()  # ids of cancellation exceptions already delivered
        self.now_fn = None  # the backend's clock, callable from any thread
        self.base = 0.0
        self.threads = []  # worker threads still running (abandoned ones at the end)
        self.waiting_threads = 0  # tasks awaiting a worker thread now
        self.cancel_cls = None
        self.clock = None
        self.stopped = False  # a deadlock ended the recording: AnyIO's teardown is not part of it
        self.live = []  # tasks spawned and not ended, in spawn order
        self.in_flight = {}  # task name -> exception groups it raised whose fate is not seen yet
        self.kinds = {}  # id(scope object) -> (it, its kind), for scopes made but not entered yet
        self.groups = {}  # id(task group) -> (it, its Scope)

    # -- time and events --
    def now_ns(self):
        if self.now_fn is None:
            return 0
        return max(0, round((self.now_fn() - self.base) * 1e9))

    def rel(self, deadline):
        return "inf" if deadline == math.inf else deadline - self.base

    def emit(self, ev, at=None, t=None, **fields):
        with self.lock:
            if len(self.events) >= MAX_EVENTS or self.stopped:
                return None
            e = {"t": self.now_ns() if t is None else t, "ev": ev}
            e.update(fields)
            if at is None:
                self.events.append(e)
                return len(self.events) - 1
            self.events.insert(at, e)
            return at

    def exc(self, e):
        """The JSON of exception e, numbered once and kept alive."""
        with self.lock:
            known = self.exc_ids.get(id(e))
            if known is not None and known[1] is e:
                return known[2]
            name = type(e).__name__
            if isinstance(e, self.cancel_cls):
                name = CANCEL_CLASS[self.backend]
            if name not in self.classes:
                self.classes.append(name)
            try:
                message = str(e)
            except Exception:  # a __str__ that fails: the class's name stands for it
                message = name
            members = getattr(e, "exceptions", None)
            group = isinstance(e, BaseExceptionGroup) and members is not None
            inner = [self.exc(m) for m in members] if group else None  # numbered first: ids stay unique
            if group:
                name = "ExceptionGroup" if isinstance(e, Exception) else "BaseExceptionGroup"
            j = {"type": name, "message": message, "id": len(self.exc_ids) + 1}
            if not getattr(e, "args", True) and not group:
                j["noargs"] = True  # TimeoutError() rather than TimeoutError('')
            if group:
                j["exceptions"] = inner
            self.exc_ids[id(e)] = (j["id"], e, j)
            return j

    def raised_group(self, task, sc, group):
        """A task group raised `group` in `task`: written at once, and
        settled (caught or carried on) at the task's next event."""
        with self.lock:
            self.settle(task, group)
            self.emit("group_raise", task=task, scope=sc.name, scope_id=sc.id, exception=self.exc(group))
            self.in_flight.setdefault(task, []).append(group)

    def settle(self, task, exc):
        """The next event of `task` carries `exc` (or none): a group it raised
        before that `exc` does not hold was caught in between (the recorder
        does not see except or except*), so its catch is written now."""
        groups = self.in_flight.get(task)
        if not groups:
            return
        keep = []
        for g in groups:
            if exc is not None and _holds(exc, g):
                keep.append(g)
            else:
                self.emit("catch", task=task, exception=self.exc(g))
        self.in_flight[task] = keep

    def log(self, msg, value):
        task = _current_task.get()
        if task is None:
            return
        self.settle(task, None)
        fields = {"task": task, "msg": msg}
        if isinstance(value, bool) or (isinstance(value, (int, float)) and math.isfinite(value)):
            fields["value"] = value
        self.emit("log", **fields)

    # -- tasks --
    def new_task_name(self, want):
        base = want or "task"
        name, k = base, 2
        while name in self.task_names:
            name, k = "%s#%d" % (base, k), k + 1
        self.task_names.add(name)
        return name

    def spawn(self, want, parent, group, pos=(0, 0)):
        with self.lock:
            name = self.new_task_name(want)
            fields = {"task": name, "parent": parent}
            if group is not None:
                fields.update(group=group.name, group_id=group.id)
                self.task_group[name] = group
            fields.update(_pos_fields(pos))
            self.emit("task_spawn", **fields)
            self.live.append(name)
            return name

    def task_end(self, name, exc, value=None):
        """Ends task `name`: exc is what escaped it (None: it returned)."""
        fields = {"task": name}
        if exc is None:
            fields["state"] = "completed"
        elif isinstance(exc, self.cancel_cls):
            fields["state"] = "cancelled"
            self.deliver(name, exc)
            self.infer_cancels(self.task_group.get(name))
        else:
            fields.update(state="failed", exception=self.exc(exc))
        with self.lock:
            if name in self.live:
                self.live.remove(name)
            self.settle(name, exc)
            pos = self.emit("task_end", **fields)
            group = self.task_group.get(name)
            if exc is not None and not isinstance(exc, self.cancel_cls) and group is not None:
                if group.failed_end is None and pos is not None:
                    group.failed_end = pos + 1

    # -- scopes --
    def scope_enter(self, obj, kind, name, deadline, shield, pos=(0, 0)):
        task = _current_task.get()
        with self.lock:
            self.settle(task, None)
            sc = Scope(self.nscopes, name, kind, task, obj)
            self.nscopes += 1
            self.scopes[id(obj)] = sc
            stack = self.stacks.setdefault(task, [])
            parent = stack[-1] if stack else self.task_group.get(task)
            fields = {"scope": name, "scope_id": sc.id, "kind": kind, "task": task}
            if parent is not None:
                fields.update(parent_scope=parent.name, parent_scope_id=parent.id)
            fields.update(deadline=self.rel(deadline), shield=bool(shield), **_pos_fields(pos))
            sc.enter_pos = self.emit("scope_enter", **fields) or 0
            stack.append(sc)
            return sc

    def cancel(self, sc, cause, task, t=None, at=None, **extra):
        if sc.cancelled:
            return
        sc.cancelled = True
        self.settle(task, None)
        self.emit("cancel", at=at, t=t, scope=sc.name, scope_id=sc.id, cause=cause, task=task, **extra)

    def infer_cancels(self, innermost):
        """Writes the cancel events of cancelled scopes from `innermost`
        outward that no cancel() call reported (Trio cancels by itself)."""
        sc = innermost
        seen = 0
        while sc is not None and seen < 10000:
            seen += 1
            if not sc.cancelled and getattr(sc.obj, "cancel_called", False):
                self.infer_cancel(sc)
            stack = self.stacks.get(sc.task) or []
            i = next((k for k, s in enumerate(stack) if s is sc), None)
            sc = stack[i - 1] if i else self.task_group.get(sc.task)

    def infer_cancel(self, sc):
        with self.lock:
            deadline = sc.obj.deadline - self.base
            now = self.now_ns()
            dl_ns = round(deadline * 1e9) if math.isfinite(deadline) else None
            if dl_ns is not None and dl_ns <= now:
                at = next((k for k in range(sc.enter_pos + 1, len(self.events)) if self.events[k]["t"] >= dl_ns),
                          None)
                self.cancel(sc, "deadline", None, t=max(dl_ns, self.events[sc.enter_pos]["t"]), at=at)
            elif sc.kind == "task_group" and sc.failed_end is not None:
                at = sc.failed_end
                t = self.events[at - 1]["t"]
                for s in self.scopes.values():  # later positions move by one
                    if s.enter_pos >= at:
                        s.enter_pos += 1
                    if s.failed_end is not None and s.failed_end >= at and s is not sc:
                        s.failed_end += 1
                self.cancel(sc, "task_failed", None, t=t, at=at)
            else:
                self.cancel(sc, "explicit", None)

    def deliver(self, task, exc):
        """A cancellation exception seen for the first time: the task got it
        from the innermost of its cancelled scopes."""
        if id(exc) in self.delivered:
            return
        self.delivered.add(id(exc))
        self.exc(exc)  # keeps it alive, so its id is not reused
        stack = self.stacks.get(task) or []
        chain = list(reversed(stack))
        g = self.task_group.get(task)
        guard = 0
        while g is not None and guard < 10000:
            guard += 1
            chain.append(g)
            st = self.stacks.get(g.task) or []
            i = next((k for k, s in enumerate(st) if s is g), None)
            chain.extend(reversed(st[:i] if i else []))
            g = self.task_group.get(g.task)
        fields = {"task": task}
        for sc in chain:
            if getattr(sc.obj, "cancel_called", False):
                fields.update(scope=sc.name, scope_id=sc.id)
                break
            if getattr(sc.obj, "shield", False):
                break
        self.emit("cancel_delivered", **fields)

    def scope_exit(self, sc, exc_out):
        task = sc.task
        with self.lock:
            if exc_out is not None and isinstance(exc_out, self.cancel_cls):
                self.deliver(task, exc_out)
            self.infer_cancels(sc)
            self.settle(task, exc_out)
            fields = {"scope": sc.name, "scope_id": sc.id,
                      "cancel_called": bool(sc.obj.cancel_called), "cancelled_caught": bool(sc.obj.cancelled_caught),
                      "deadline": self.rel(sc.obj.deadline), "shield": bool(sc.obj.shield)}
            if exc_out is not None:
                fields["exception"] = self.exc(exc_out)
            self.emit("scope_exit", **fields)
            stack = self.stacks.get(task) or []
            for k in range(len(stack) - 1, -1, -1):
                if stack[k] is sc:
                    del stack[k]
                    break

    def deadlock(self):
        """Every task waits and no deadline is left: what each waits on is
        not known, only that it has not ended; nothing after this is kept."""
        with self.lock:
            for name in self.live:
                self.emit("task_waiting", task=name, label="something (not recorded)")
            self.stopped = True
        return Deadlock()

    # -- writing --
    def write(self, f):
        head = {"seq": 0, "t": 0.0, "ev": "run_start", "scenario": self.scenario, "backend": self.backend,
                "seed": 0, "classes": self.classes}
        f.write(json.dumps(head) + "\n")
        for seq, e in enumerate(self.events, 1):
            out = {"seq": seq, "t": e["t"] / 1e9}
            out.update((k, v) for k, v in e.items() if k != "t")
            f.write(json.dumps(out) + "\n")


# ---- where in the program: names from the source line -----------------------


def _user_line():
    return _user_pos()[0]


def _user_pos():
    """The line and column (from 1) of the innermost frame outside AnyIO,
    asyncio, Trio and this recorder: the statement that made the scope,
    spawned the task, called cancel() or to_thread."""
    f = sys._getframe(2)
    skip = (_ANYIO_DIR, os.path.dirname(__file__), os.path.dirname(contextlib.__file__))
    depth = 0
    while f is not None and depth < 200:
        fn = f.f_code.co_filename
        if not any(d and fn.startswith(d) for d in skip) and "/trio/" not in fn:
            return f.f_lineno or 0, _col(f)
        f = f.f_back
        depth += 1
    return 0, 0


def _col(frame):
    """The column (from 1) of the instruction the frame is at, 0 if unknown."""
    try:
        pos = list(frame.f_code.co_positions())[frame.f_lasti // 2]
        return pos[2] + 1 if pos[2] is not None else 0
    except (AttributeError, IndexError):  # before Python 3.11
        return 0


def _pos_fields(pos):
    return {"line": pos[0], "col": pos[1]} if pos[0] > 0 and pos[1] > 0 else {}


def _caller_in_anyio():
    """Whether cancel() was called by AnyIO itself, and from which function."""
    f = sys._getframe(2)
    if f is not None and _ANYIO_DIR and f.f_code.co_filename.startswith(_ANYIO_DIR):
        return f.f_code.co_name
    return None


class _Names:
    def __init__(self):
        self.used = {}

    def make(self, kind, line):
        base = "%s@%d" % (kind, line)
        k = self.used.get(base, 0) + 1
        self.used[base] = k
        return base if k == 1 else "%s#%d" % (base, k)


_names = _Names()
_pending_kind = threading.local()  # the kind fail_after gives the scope it makes next


# ---- the wrappers around AnyIO ---------------------------------------------


def _wrap_task_func(rec, name, func):
    """The coroutine function a spawned task runs instead of func."""

    @functools.wraps(func)
    async def task(*args, **kwargs):
        _current_task.set(name)
        rec.emit("task_start", task=name)
        try:
            value = await func(*args, **kwargs)
        except BaseException as e:
            rec.task_end(name, e)
            raise
        rec.task_end(name, None)
        return value

    return task


def _task_name(func, name):
    if name is not None:
        return str(name)
    return getattr(func, "__name__", None) or "task"


def _patch_task_group(cls, patches):
    orig_aenter, orig_aexit = cls.__aenter__, cls.__aexit__
    orig_soon, orig_start = cls.start_soon, cls.start

    async def __aenter__(self):
        rec = _REC
        if rec is None:
            return await orig_aenter(self)
        pos = _user_pos()
        if self.cancel_scope is not None:  # asyncio: entered inside, as the group
            rec.scopes[id(self.cancel_scope)] = None
        result = await orig_aenter(self)
        rec.scopes.pop(id(self.cancel_scope), None)
        sc = rec.scope_enter(self.cancel_scope, "task_group", _names.make("tg", pos[0]), math.inf, False, pos)
        rec.groups[id(self)] = (self, sc)
        return result

    async def __aexit__(self, et, ev, tb):
        rec = _REC
        sc = rec.groups.get(id(self), (None, None))[1] if rec is not None else None
        if rec is None or sc is None:
            return await orig_aexit(self, et, ev, tb)
        try:
            swallowed = await orig_aexit(self, et, ev, tb)
        except BaseException as e:
            if isinstance(e, BaseExceptionGroup):
                rec.raised_group(sc.task, sc, e)
            rec.scope_exit(sc, e)
            raise
        rec.scope_exit(sc, None if swallowed else ev)
        return swallowed

    def start_soon(self, func, *args, name=None):
        rec = _REC
        sc = rec.groups.get(id(self), (None, None))[1] if rec is not None else None
        if rec is None or sc is None:
            return orig_soon(self, func, *args, name=name)
        task = rec.spawn(_task_name(func, name), _current_task.get(), sc, _user_pos())
        return orig_soon(self, _wrap_task_func(rec, task, func), *args, name=name if name is not None else task)

    async def start(self, func, *args, name=None):
        rec = _REC
        sc = rec.groups.get(id(self), (None, None))[1] if rec is not None else None
        if rec is None or sc is None:
            return await orig_start(self, func, *args, name=name)
        task = rec.spawn(_task_name(func, name), _current_task.get(), sc, _user_pos())
        return await orig_start(self, _wrap_task_func(rec, task, func), *args,
                                name=name if name is not None else task)

    patches.append((cls, {"__aenter__": __aenter__, "__aexit__": __aexit__, "start_soon": start_soon,
                          "start": start}))


def _patch_cancel_scope(cls, patches):
    orig_enter, orig_exit, orig_cancel = cls.__enter__, cls.__exit__, cls.cancel

    def __enter__(self):
        rec = _REC
        if rec is None or id(self) in rec.scopes:
            return orig_enter(self)
        kind = getattr(_pending_kind, "kind", None)
        _pending_kind.kind = None
        pos = _user_pos()
        if kind is None:
            kind = rec.kinds.pop(id(self), (None, None))[1] or ("cancel_scope" if _caller_in_anyio() is None else "internal")
        result = orig_enter(self)
        if kind != "internal":  # AnyIO's own scopes (in to_thread, around tasks) are left out
            rec.scope_enter(self, kind, _names.make(kind.replace("cancel_scope", "scope"), pos[0]), self.deadline,
                            self.shield, pos)
        return result

    def __exit__(self, et, ev, tb):
        rec = _REC
        sc = rec.scopes.get(id(self)) if rec is not None else None
        if sc is None or sc.kind in ("task_group", "fail_after"):
            return orig_exit(self, et, ev, tb)
        try:
            swallowed = orig_exit(self, et, ev, tb)
        except BaseException as e:
            rec.scope_exit(sc, e)
            raise
        rec.scope_exit(sc, None if swallowed else ev)
        return swallowed

    def cancel(self, *args, **kwargs):
        rec = _REC
        sc = rec.scopes.get(id(self)) if rec is not None else None
        if sc is not None and not sc.cancelled and not self.cancel_called:
            who = _caller_in_anyio()
            cause = "explicit" if who is None else "deadline" if who == "_timeout" else "task_failed"
            extra = {}
            if cause == "explicit":
                reason = args[0] if args else kwargs.get("reason")
                if isinstance(reason, str):
                    extra["reason"] = reason
                extra.update(_pos_fields(_user_pos()))
            rec.cancel(sc, cause, None if cause == "deadline" else _current_task.get(), **extra)
        return orig_cancel(self, *args, **kwargs)

    patches.append((cls, {"__enter__": __enter__, "__exit__": __exit__, "cancel": cancel}))
    for attr in ("deadline", "shield"):
        prop = getattr(cls, attr)

        def setter(self, value, _prop=prop):
            _prop.fset(self, value)
            rec = _REC
            sc = rec.scopes.get(id(self)) if rec is not None else None
            if sc is not None:
                rec.emit("scope_update", scope=sc.name, scope_id=sc.id, task=_current_task.get() or sc.task,
                         deadline=rec.rel(self.deadline), shield=bool(self.shield))

        patches.append((cls, {attr: property(prop.fget, setter)}))


def _make_timeouts(anyio_tasks):
    orig_fail_after, orig_move_on_after = anyio_tasks.fail_after, anyio_tasks.move_on_after

    @contextlib.contextmanager
    def fail_after(delay, shield=False):
        rec = _REC
        if rec is None:
            with orig_fail_after(delay, shield) as s:
                yield s
            return
        _pending_kind.kind = "fail_after"
        cm = orig_fail_after(delay, shield)
        scope = cm.__enter__()
        sc = rec.scopes.get(id(scope))
        try:
            yield scope
        except BaseException as e:
            try:
                swallowed = cm.__exit__(type(e), e, e.__traceback__)
            except BaseException as e2:
                if sc is not None:
                    rec.scope_exit(sc, e2)
                raise
            if sc is not None:
                rec.scope_exit(sc, None if swallowed else e)
            if not swallowed:
                raise
        else:
            try:
                cm.__exit__(None, None, None)
            except BaseException as e2:
                if sc is not None:
                    rec.scope_exit(sc, e2)
                raise
            if sc is not None:
                rec.scope_exit(sc, None)

    def move_on_after(delay, shield=False):
        scope = orig_move_on_after(delay, shield)
        rec = _REC
        if rec is not None:
            rec.kinds[id(scope)] = (scope, "move_on")
        return scope

    return fail_after, move_on_after


def _make_run_sync(orig_run_sync):
    async def run_sync(func, *args, abandon_on_cancel=False, cancellable=None, limiter=None):
        rec = _REC
        task = _current_task.get()
        if rec is None or task is None:
            return await orig_run_sync(func, *args, abandon_on_cancel=abandon_on_cancel, cancellable=cancellable,
                                       limiter=limiter)
        state = {"done": False, "abandoned": False, "thread": None}

        def body(*a):
            state["thread"] = threading.current_thread()
            try:
                result = func(*a)
            except BaseException as e:
                with rec.lock:
                    state["done"] = True
                    # an abandoned thread's error reaches no one: it is lost
                    extra = {"exception": rec.exc(e)} if state["abandoned"] else {}
                    rec.emit("thread_end", task=task, thread=num, **extra)
                raise
            with rec.lock:
                state["done"] = True
                rec.emit("thread_end", task=task, thread=num)
            return result

        where = _pos_fields(_user_pos())
        rec.settle(task, None)
        with rec.lock:
            num = len(rec.threads) + 1  # the thread's number, as cancelsim numbers them
            rec.threads.append(state)
            rec.emit("thread_start", task=task, thread=num, **where)
        rec.waiting_threads += 1
        try:
            return await orig_run_sync(body, *args, abandon_on_cancel=abandon_on_cancel, cancellable=cancellable,
                                       limiter=limiter)
        except BaseException:
            with rec.lock:
                if not state["done"] and state["thread"] is not None:
                    state["abandoned"] = True
                    rec.emit("thread_abandoned", task=task, thread=num, **where)
            raise
        finally:
            rec.waiting_threads -= 1

    return run_sync


# ---- virtual time (tools/anyio_reference.py's clocks, waiting for threads) --


class _JumpSelector(selectors.BaseSelector):
    """A selector over a real one: with no worker thread awaited, a wait with
    a timeout jumps the loop's clock to its next timer and a wait without one
    is a deadlock; while a task awaits a worker thread, it waits for real (up
    to THREAD_WAIT seconds) for the thread's wake-up before it jumps."""

    def __init__(self):
        self.real = selectors.DefaultSelector()
        self.loop = None

    def register(self, fileobj, events, data=None):
        return self.real.register(fileobj, events, data)

    def unregister(self, fileobj):
        return self.real.unregister(fileobj)

    def modify(self, fileobj, events, data=None):
        return self.real.modify(fileobj, events, data)

    def get_map(self):
        return self.real.get_map()

    def select(self, timeout=None):
        ready = self.real.select(0)
        if ready or timeout == 0:
            return ready
        rec = _REC
        if rec is not None and rec.waiting_threads > 0:
            ready = self.real.select(THREAD_WAIT)
            if ready or timeout is None:
                return ready
        scheduled = self.loop._scheduled
        if timeout is None or not scheduled or scheduled[0]._when == math.inf:
            raise rec.deadlock() if rec is not None else Deadlock()
        self.loop.vt = max(self.loop.vt, scheduled[0]._when)
        return []

    def close(self):
        self.real.close()


def _virtual_loop_factory():
    import asyncio

    class VirtualLoop(asyncio.SelectorEventLoop):
        def __init__(self):
            self.vt = 0.0
            sel = _JumpSelector()
            super().__init__(sel)
            sel.loop = self

        def time(self):
            return self.vt

    return VirtualLoop


def _trio_clock():
    """MockClock(autojump_threshold=0), which waits THREAD_WAIT real seconds
    instead while a task awaits a worker thread; a deadlock where it would
    spin forever."""
    import trio
    from trio.testing import MockClock

    clock = MockClock(autojump_threshold=0)
    jump = clock._autojump

    def autojump():
        rec = _REC
        if rec is not None and rec.waiting_threads > 0 and clock.autojump_threshold == 0:
            clock.autojump_threshold = THREAD_WAIT
            return
        if trio.lowlevel.current_statistics().seconds_to_next_deadline == math.inf:
            if rec is None or rec.waiting_threads == 0:
                raise rec.deadlock() if rec is not None else Deadlock()
        jump()
        if rec is None or rec.waiting_threads == 0:
            clock.autojump_threshold = 0

    clock._autojump = autojump
    return clock


# ---- anyio.run --------------------------------------------------------------


_INHERITED = object()  # a patched class attribute that came from a base class


class Session:
    """Patches AnyIO for the recording and writes each run's trace."""

    def __init__(self, scenario, backend, virtual, out):
        self.scenario, self.backend, self.virtual, self.out = scenario, backend, virtual, out
        self.nruns = 0
        self.patches = []
        self.saved = []

    def install(self):
        global _ANYIO_DIR
        import anyio
        import anyio._core._tasks as anyio_tasks
        import anyio.to_thread as to_thread
        from anyio._backends import _asyncio

        _ANYIO_DIR = os.path.dirname(anyio.__file__)
        _patch_cancel_scope(_asyncio.CancelScope, self.patches)
        _patch_task_group(_asyncio.TaskGroup, self.patches)
        try:
            from anyio._backends import _trio
        except ImportError:
            _trio = None
        if _trio is not None:
            _patch_cancel_scope(_trio.CancelScope, self.patches)
            _patch_task_group(_trio.TaskGroup, self.patches)
        fail_after, move_on_after = _make_timeouts(anyio_tasks)
        for mod in (anyio, anyio_tasks):
            self.patches.append((mod, {"fail_after": fail_after, "move_on_after": move_on_after}))
        self.patches.append((to_thread, {"run_sync": _make_run_sync(to_thread.run_sync)}))
        self.orig_run = anyio.run
        self.patches.append((anyio, {"run": self.run}))
        self.patches.append((builtins, {"print": _print}))
        for obj, attrs in self.patches:
            for k, v in attrs.items():
                # a class's own attribute, or _INHERITED: uninstall deletes ours
                self.saved.append((obj, k, obj.__dict__.get(k, _INHERITED) if isinstance(obj, type) else getattr(obj, k)))
                setattr(obj, k, v)

        import logging
        self.handler = _LogHandler.make()
        logging.getLogger().addHandler(self.handler)

    def uninstall(self):
        import logging
        logging.getLogger().removeHandler(self.handler)
        for obj, k, v in reversed(self.saved):
            if v is _INHERITED:
                delattr(obj, k)
            else:
                setattr(obj, k, v)
        self.saved = []

    def run(self, func, *args, backend="asyncio", backend_options=None):
        global _REC
        backend = self.backend or backend
        options = dict(backend_options or {})
        self.nruns += 1
        name = self.scenario if self.nruns == 1 else "%s#%d" % (self.scenario, self.nruns)
        rec = Recording(name, backend, self.virtual)
        if backend == "trio":
            import trio
            rec.cancel_cls = trio.Cancelled
            if self.virtual:
                options["clock"] = rec.clock = _trio_clock()
        else:
            import asyncio
            rec.cancel_cls = asyncio.CancelledError
            if self.virtual:
                options["loop_factory"] = _virtual_loop_factory()
        main_name = rec.spawn("main", None, None)

        async def main_task(*a):
            import anyio
            clock = anyio.current_time
            if backend == "trio":
                import trio
                clock = trio.lowlevel.current_clock().current_time
            else:
                import asyncio
                clock = asyncio.get_running_loop().time
            rec.base = 0.0 if self.virtual else clock()
            rec.now_fn = clock
            return await _wrap_task_func(rec, main_name, func)(*a)

        _REC = rec
        try:
            value = self.orig_run(main_task, *args, backend=backend, backend_options=options)
        except BaseException as e:
            self.finish(rec, e)
            if _is_deadlock(e):
                raise Deadlock() from None
            raise
        self.finish(rec, None, value)
        return value

    def finish(self, rec, exc, value=None):
        global _REC
        deadlock = exc is not None and _is_deadlock(exc)
        # abandoned threads that still run: their end (and lost error) is part of the story
        deadline = time.monotonic() + 10
        while any(st["thread"] is not None and not st["done"] for st in rec.threads) and time.monotonic() < deadline:
            time.sleep(0.005)
        _REC = None
        with rec.lock:
            rec.stopped = False
            if deadlock:
                rec.emit("run_end", result="deadlock")
            elif exc is None:
                rec.emit("run_end", result="returned", returned=_jsonable(value))
            else:
                rec.emit("run_end", result="raised", exception=rec.exc(exc))
        mode = "w" if self.nruns == 1 else "a"
        if self.out == "-":
            rec.write(sys.stdout)
        else:
            with open(self.out, mode, encoding="utf-8") as f:
                rec.write(f)


def _is_deadlock(e):
    seen = 0
    while e is not None and seen < 100:
        if isinstance(e, Deadlock):
            return True
        if isinstance(e, BaseExceptionGroup):
            return any(_is_deadlock(m) for m in e.exceptions)
        e = e.__cause__ or e.__context__
        seen += 1
    return False


def _holds(exc, g):
    """Whether exception `exc` is `g` or holds it, as a member at any depth."""
    todo, seen = [exc], 0
    while todo and seen < 10000:
        x = todo.pop()
        seen += 1
        if x is g:
            return True
        todo.extend(getattr(x, "exceptions", None) or () if isinstance(x, BaseExceptionGroup) else ())
    return False


def _jsonable(v):
    try:
        json.dumps(v)
        return v
    except (TypeError, ValueError):
        return repr(v)


class _LogHandler:
    """A logging handler on the root logger: each record that reaches it is a
    log line of the task that logged it (made a logging.Handler when
    installed, so that importing the recorder does not import logging)."""

    @staticmethod
    def make():
        import logging

        class Handler(logging.Handler):
            def emit(self, record):
                if _REC is not None:
                    try:
                        log(record.getMessage())
                    except Exception:  # a bad format string is the program's to report
                        self.handleError(record)

        return Handler(logging.NOTSET)


def _print(*args, sep=" ", end="\n", file=None, flush=False):
    _real_print(*args, sep=sep, end=end, file=file, flush=flush)
    if _REC is not None and (file is None or file is sys.stdout):
        log((" " if sep is None else sep).join(str(a) for a in args))


# ---- the command line -------------------------------------------------------


def record_script(script, out, backend=None, virtual=False, argv=()):
    """Runs SCRIPT.py under the recorder; returns what python3 would exit with."""
    scenario = os.path.splitext(os.path.basename(script))[0]
    session = Session(scenario, backend, virtual, out)
    session.install()
    sys.argv = [script] + list(argv)
    sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
    try:
        globs = runpy.run_path(script, run_name="__main__")
        if session.nruns == 0 and callable(globs.get("main")):
            import anyio
            anyio.run(globs["main"])
    except SystemExit as e:
        return e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    except Deadlock:
        sys.stderr.write("cancelsim_record: %s deadlocked: every task waits and no deadline is left "
                         "(the trace ends there)\n" % script)
        # the program would wait forever; its half-torn-down run is not worth finishing
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(3)
    except BaseException:
        import traceback
        traceback.print_exc()
        return 1
    finally:
        session.uninstall()
        sys.stdout.flush()
    if session.nruns == 0:
        sys.stderr.write("cancelsim_record: %s never called anyio.run and has no main\n" % script)
        return 2
    return 0


def main(argv):
    p = argparse.ArgumentParser(prog="python3 -m cancelsim_record",
                                description="Run an AnyIO program and write its run as a cancelsim trace.")
    p.add_argument("--backend", choices=("asyncio", "trio"), help="the backend (default: the program's own)")
    p.add_argument("--virtual-time", action="store_true",
                   help="run on a clock that jumps to the next deadline, as the simulator does")
    p.add_argument("-o", "--output", default=None, help="the trace file (default: SCRIPT.trace.jsonl; - for stdout)")
    p.add_argument("script")
    p.add_argument("args", nargs=argparse.REMAINDER)
    a = p.parse_args(argv)
    if not os.path.isfile(a.script):
        sys.stderr.write("%s: error: no such file\n" % a.script)
        return 2
    try:
        import anyio  # noqa: F401
    except ImportError:
        sys.stderr.write("cancelsim_record: AnyIO is not importable (set PYTHONPATH)\n")
        return 2
    out = a.output or os.path.splitext(a.script)[0] + ".trace.jsonl"
    return record_script(a.script, out, a.backend, a.virtual_time, a.args)


def cli():
    """The console script (`cancelsim-record`) when installed with pip."""
    sys.exit(main(sys.argv[1:]))
