"""native_asyncio.py - native asyncio inside an AnyIO program (issue 20), for translate.py.

A mixin of translate.Translator: asyncio.create_task(), awaiting and cancelling a
native task, asyncio.current_task().uncancel(), print(t.cancelling() / t.done() /
t.cancelled()), async with asyncio.timeout() / timeout_at(), asyncio.wait_for(),
asyncio.shield(), asyncio.TaskGroup and bare futures, as the scenario format's
asyncio-only statements (docs/scenario-format.md, "Native asyncio").  A program
that uses any of them runs on asyncio only ("backends": ["asyncio"]); one that
asks for Trio (anyio.run(main, backend="trio")) is refused, because real AnyIO
on Trio raises RuntimeError("no running event loop") at the first of them.

The objects live in the function's Scope.names as (kind, scenario name):
"native" (a task), "atg" (an asyncio.TaskGroup; its name is only the Python one,
the format's group has none), "future", "loop" (asyncio.get_running_loop()),
"current" (asyncio.current_task()).
A native task's body runs in a task of its own: it sees no named value of the
function that made it, so the arguments of its coroutine are literals or
module-level objects only.
"""
import ast

NATIVE_PROBES = ("cancelling", "done", "cancelled")  # t.X() logged by asyncio_probe
NATIVE_KINDS = ("native", "atg", "future", "loop", "current")


class NativeAsyncio:
    """The native asyncio forms; mixed into translate.Translator (which gives
    qual, stmt, fresh, callee, with_args, value, literal_value, await_call, body,
    method, no_args and Unsupported through translate_names())."""

    # -- bookkeeping ----------------------------------------------------------------------
    def native(self, node, what):
        """Record a native asyncio use (the first one is where a Trio run is refused)."""
        if self.native_first is None:
            self.native_first = (node, what)

    def native_backends(self, doc):
        """'backends': ['asyncio'] for a program that uses native asyncio; refuse Trio."""
        if self.native_first is None:
            return
        node, what = self.native_first
        if self.run_backend == "trio":
            raise self.Unsupported(node, f"{what} on the Trio backend is not supported (anyio.run(main, "
                                         "backend=\"trio\"): real AnyIO raises RuntimeError: no running event loop)")
        doc["backends"] = ["asyncio"]

    def is_asyncio(self, e, *names):
        q = self.qual(e) if e is not None else None
        return q is not None and q in tuple("asyncio." + n for n in names)

    def is_current_task(self, e, sc=None):
        """asyncio.current_task() (no arguments), or a name bound to it (me = asyncio.current_task())."""
        if isinstance(e, ast.Call) and self.is_asyncio(e.func, "current_task"):
            self.no_args(e)
            return True
        obj = sc.lookup(e, self) if sc is not None and isinstance(e, ast.Name) else None
        return bool(obj and obj[0] == "current")

    def is_task_creation(self, call, sc):
        """asyncio.create_task(coro) / asyncio.ensure_future(coro) / loop.create_task(coro)."""
        if self.is_asyncio(call.func, "create_task", "ensure_future"):
            return True
        f = call.func
        if isinstance(f, ast.Attribute) and f.attr == "create_task":
            obj = sc.lookup(f.value, self)
            return bool(obj and obj[0] == "loop")
        return False

    # -- a coroutine run by a native task -------------------------------------------------
    def native_body(self, e, sc, what):
        """The statements of a task running the awaitable e: a call of an async def of the
        file (f(1, ev)), or an awaitable the translator reads (anyio.sleep(1), ev.wait())."""
        if not isinstance(e, ast.Call):
            raise self.Unsupported(e, f"{self.describe(e)} given to {what} is not supported (only a coroutine: a "
                                      "call of an async function)")
        if isinstance(e.func, ast.Name) and e.func.id in self.funcs:
            f = self.callee(e.func, sc, what)
            if not f.is_async or f.has_status or f.is_gen:
                raise self.Unsupported(e, f"{what} of {f.name!r} is not supported (an async def without "
                                          "task_status and without yield)")
            d = self.with_args({"call": f.name}, f, e, e.args, sc)
        else:
            d = self.await_call(e, sc)
        for a in e.args:  # the task runs apart: a named value of this function is not bound there
            if isinstance(a, ast.Name) and (a.id in sc.values or a.id in sc.excs):
                raise self.Unsupported(a, f"the named value {a.id!r} as an argument of a coroutine given to {what} "
                                          "is not supported (the task does not see it; a literal is)")
        return [self.stmt(e, d)]

    def task_name(self, call, want):
        """name= of create_task (a string literal), else want."""
        for k in call.keywords:
            if k.arg != "name":
                raise self.Unsupported(k.value, f"{self.dotted_text(call.func)}() with {k.arg}= is not supported")
            want = self.literal(k.value, "task name")
            if not isinstance(want, str):
                raise self.Unsupported(k.value, "a task name other than a string is not supported")
        return want

    def create_native(self, call, var, sc, tg=None):
        """asyncio.create_task(coro) / tg.create_task(coro), tg an asyncio.TaskGroup:
        (statement, scenario name)."""
        what = "asyncio.create_task()" if tg is None else "TaskGroup.create_task()"
        if len(call.args) != 1:
            raise self.Unsupported(call, f"{what} other than of one coroutine is not supported")
        coro = call.args[0]
        fname = coro.func.id if isinstance(coro, ast.Call) and isinstance(coro.func, ast.Name) else "task"
        name = self.fresh(self.task_name(call, var or fname))
        body = self.native_body(coro, sc, what)
        if tg is None:
            return {"asyncio_create_task": name, "body": body}, name
        if not sc.open_atgs or sc.open_atgs[-1] != tg:
            raise self.Unsupported(call.func, "create_task() on an asyncio.TaskGroup other than the innermost one "
                                              "open here is not supported")
        return {"asyncio_tg_create_task": name, "body": body}, name

    # -- statements ---------------------------------------------------------------------------
    def native_statement(self, s, sc):
        """A statement of native asyncio as a list of scenario statements, or None."""
        if isinstance(s, ast.Assign) and len(s.targets) == 1 and isinstance(s.targets[0], ast.Name):
            return self.native_assign(s, s.targets[0].id, sc)
        if isinstance(s, ast.Expr) and isinstance(s.value, ast.Await):
            return self.native_await_stmt(s, s.value.value, sc)
        if isinstance(s, ast.Expr) and isinstance(s.value, ast.Call):
            d = self.native_call(s.value, sc)
            return None if d is None else [self.stmt(s, d)]
        return None

    def native_assign(self, s, name, sc):
        """t = asyncio.create_task(...) / tg.create_task(...), f = loop.create_future(),
        loop = asyncio.get_running_loop()."""
        v = s.value
        if not isinstance(v, ast.Call):
            if isinstance(v, ast.Await):
                obj = self.native_object(v.value, sc) if isinstance(v.value, ast.Name) else None
                if obj or (isinstance(v.value, ast.Call) and self.is_asyncio(v.value.func, "wait_for", "shield")):
                    raise self.Unsupported(v, f"assigning what {self.describe(v)} returns is not supported (await it "
                                              "as a statement)")
            return None
        m = self.method(v, sc)
        kind = None
        if self.is_task_creation(v, sc):
            self.native(v, "asyncio.create_task()")
            d, task = self.create_native(v, name, sc)
            kind = "native"
        elif m and m[0] == "atg" and m[2] == "create_task":
            d, task = self.create_native(v, name, sc, tg=m[1])
            kind = "native"
        elif self.is_asyncio(v.func, "current_task"):  # me = asyncio.current_task(): uncancel(), probes
            self.no_args(v)
            self.native(v, "asyncio.current_task()")
            d, task, kind = None, None, "current"
        elif self.is_asyncio(v.func, "get_running_loop", "get_event_loop"):
            self.no_args(v)
            self.native(v, f"{self.dotted_text(v.func)}()")
            d, task, kind = None, None, "loop"
        elif self.is_future_creation(v, sc):
            self.no_args(v)
            self.native(v, "create_future()")
            task = self.fresh(name)
            d, kind = {"asyncio_future": task}, "future"
        if kind is None:
            if m and m[0] in NATIVE_KINDS:
                raise self.Unsupported(v, f"assigning what {self.describe(v)} returns is not supported")
            return None
        if name in sc.names or name in sc.values or name in self.resources:
            raise self.Unsupported(s.targets[0], f"rebinding {name!r} is not supported")
        sc.names[name] = (kind, task)
        return [] if d is None else [self.stmt(s, d)]

    def is_future_creation(self, v, sc):
        """loop.create_future() / asyncio.get_running_loop().create_future()."""
        f = v.func
        if not (isinstance(f, ast.Attribute) and f.attr == "create_future"):
            return False
        base = f.value
        if isinstance(base, ast.Call) and self.is_asyncio(base.func, "get_running_loop", "get_event_loop"):
            self.no_args(base)
            return True
        obj = sc.lookup(base, self)
        return bool(obj and obj[0] == "loop")

    def native_object(self, e, sc):
        obj = sc.lookup(e, self)
        return obj if obj and obj[0] in NATIVE_KINDS else None

    def native_await_stmt(self, s, e, sc):
        """await t / await fut / await asyncio.shield(...) / await asyncio.wait_for(...)."""
        if isinstance(e, ast.Call) and self.is_asyncio(e.func, "shield"):
            self.native(e, "asyncio.shield()")
            if len(e.args) != 1 or e.keywords:
                raise self.Unsupported(e, "asyncio.shield() other than of one task or coroutine is not supported")
            obj = self.native_object(e.args[0], sc)
            if obj and obj[0] == "native":
                return [self.stmt(s, {"asyncio_shield": obj[1]})]
            if obj:
                raise self.Unsupported(e.args[0], f"asyncio.shield() of {self.describe(e.args[0])} is not supported "
                                                  "(only a task or a coroutine)")
            d, task = self.create_native(ast.copy_location(ast.Call(func=e.func, args=e.args, keywords=[]), e),
                                         None, sc)  # shield(coro) makes a task of it (ensure_future)
            return [self.stmt(e.args[0], d), self.stmt(s, {"asyncio_shield": task})]
        d = self.native_await(e, sc)
        return None if d is None else [self.stmt(s, d)]

    def native_await(self, e, sc):
        """An awaited native object or call as one statement, or None (also for await_call)."""
        obj = self.native_object(e, sc) if isinstance(e, ast.Name) else None
        if obj and obj[0] == "native":
            return {"asyncio_await": obj[1]}
        if obj and obj[0] == "future":
            return {"await_future": obj[1]}
        if obj:
            raise self.Unsupported(e, f"awaiting {self.describe(e)} is not supported")
        if not isinstance(e, ast.Call):
            return None
        if self.is_asyncio(e.func, "sleep"):  # on asyncio AnyIO's sleep is asyncio.sleep
            self.native(e, "asyncio.sleep()")
            if len(e.args) != 1 or e.keywords:
                raise self.Unsupported(e, "asyncio.sleep() other than with one number is not supported")
            if isinstance(e.args[0], ast.Name) and e.args[0].id in sc.func.params:
                return {"sleep": {"name": e.args[0].id}}
            return {"sleep": self.number(e.args[0], "duration")}
        if self.is_asyncio(e.func, "wait_for"):
            return self.wait_for(e, sc)
        if self.is_asyncio(e.func, "shield"):
            raise self.Unsupported(e, "asyncio.shield() here is not supported (only as a statement: "
                                      "await asyncio.shield(t))")
        return None

    def timeout_value(self, e, sc, what):
        """A timeout: a number, None, or a number parameter."""
        if isinstance(e, ast.Name) and e.id in sc.func.params:
            return {"name": e.id}
        if isinstance(e, ast.Constant) and e.value is None:
            return None
        return self.number(e, what)

    def wait_for(self, e, sc):
        """await asyncio.wait_for(coro, timeout) (also timeout=)."""
        self.native(e, "asyncio.wait_for()")
        args = list(e.args)
        for k in e.keywords:
            if k.arg != "timeout" or len(args) != 1:
                raise self.Unsupported(k.value if k.arg else e, "asyncio.wait_for() with arguments other than an "
                                                                "awaitable and a timeout is not supported")
            args.append(k.value)
        if len(args) != 2:
            raise self.Unsupported(e, "asyncio.wait_for() other than with an awaitable and a timeout is not supported")
        if self.native_object(args[0], sc):
            raise self.Unsupported(args[0], f"asyncio.wait_for() of {self.describe(args[0])} is not supported (only "
                                            "a coroutine: the format's wait_for makes the task)")
        coro = args[0]
        fname = coro.func.id if isinstance(coro, ast.Call) and isinstance(coro.func, ast.Name) else "wait_for"
        timeout = self.timeout_value(args[1], sc, "timeout")
        return {"wait_for": self.fresh(fname), "timeout": timeout, "body": self.native_body(coro, sc,
                                                                                            "asyncio.wait_for()")}

    def native_call(self, call, sc):
        """t.cancel(msg), t.uncancel(), fut.set_result(None), fut.cancel(msg), asyncio.current_task().uncancel(),
        asyncio.create_task(...) unassigned, tg.create_task(...) unassigned; or None."""
        if self.is_task_creation(call, sc):
            self.native(call, "asyncio.create_task()")
            return self.create_native(call, None, sc)[0]
        f = call.func
        if isinstance(f, ast.Attribute) and self.is_current_task(f.value, sc):
            self.native(f.value, "asyncio.current_task()")
            if f.attr != "uncancel":
                raise self.Unsupported(call, f"{self.dotted_text(f)}() here is not supported (only "
                                             "uncancel(), and print() of cancelling(), done() or cancelled())")
            self.no_args(call)
            return {"uncancel": None}
        m = self.method(call, sc)
        if not m or m[0] not in NATIVE_KINDS:
            return None
        kind, name, attr = m
        if kind == "atg" and attr == "create_task":
            return self.create_native(call, None, sc, tg=name)[0]
        if kind in ("native", "future") and attr == "cancel":
            if call.keywords or len(call.args) > 1:
                raise self.Unsupported(call, "cancel() other than with one message is not supported")
            d = {"asyncio_cancel" if kind == "native" else "future_cancel": name}
            if call.args:
                msg = self.literal(call.args[0], "message")
                if not isinstance(msg, str):
                    raise self.Unsupported(call.args[0], "a message other than a string is not supported")
                d["msg"] = msg
            return d
        if kind == "native" and attr == "uncancel":  # t.uncancel() of another native task
            self.no_args(call)
            return {"uncancel": name}
        if kind == "future" and attr == "set_result":
            if len(call.args) != 1 or call.keywords or self.literal(call.args[0], "result") is not None:
                raise self.Unsupported(call, "set_result() other than set_result(None) is not supported")
            return {"future_set_result": name}
        if kind == "native" and attr in NATIVE_PROBES:
            raise self.Unsupported(call, f"{self.dotted_text(call.func)}() here is not supported (only print() of it)")
        raise self.Unsupported(call, f"{self.describe(call)} is not supported")

    def native_probe(self, call, sc):
        """print(t.cancelling()) / print(t.done()) / print(asyncio.current_task().cancelled()), or None."""
        if len(call.args) != 1 or call.keywords or not isinstance(call.args[0], ast.Call):
            return None
        p = call.args[0]
        if not isinstance(p.func, ast.Attribute) or p.func.attr not in NATIVE_PROBES:
            return None
        if self.is_current_task(p.func.value, sc):
            self.native(p, "asyncio.current_task()")
            self.no_args(p)
            return {"asyncio_probe": p.func.attr}
        obj = self.native_object(p.func.value, sc)
        if obj and obj[0] == "native":
            self.no_args(p)
            return {"asyncio_probe": p.func.attr, "task": obj[1]}
        return None

    def native_condition(self, t, sc):
        """Refuse t.done() / t.cancelled() / t.cancelling() as a condition, saying what is supported."""
        if isinstance(t, ast.Call) and isinstance(t.func, ast.Attribute) and t.func.attr in NATIVE_PROBES:
            if self.is_current_task(t.func.value, sc) or self.native_object(t.func.value, sc):
                raise self.Unsupported(t, f"{self.dotted_text(t.func)}() as a condition is not supported (only "
                                          f"print({self.dotted_text(t.func)}()))")

    # -- blocks -----------------------------------------------------------------------------------
    def native_async_with(self, item, var, cont, sc, node):
        """async with asyncio.timeout(x) / timeout_at(t) / asyncio.TaskGroup() as tg:, or None."""
        e = item.context_expr
        if not isinstance(e, ast.Call):
            return None
        if self.is_asyncio(e.func, "timeout", "timeout_at"):
            what = self.dotted_text(e.func)
            self.native(e, f"{what}()")
            if var:
                raise self.Unsupported(item.optional_vars, f"'async with {what}() as' is not supported")
            relative = self.qual(e.func) == "asyncio.timeout"
            if len(e.args) != 1 or e.keywords:
                raise self.Unsupported(e, f"{what}() other than with one {'delay' if relative else 'time'} is not "
                                          "supported")
            key = "asyncio_timeout" if relative else "asyncio_timeout_at"
            v = self.timeout_value(e.args[0], sc, "delay") if relative else self.number(e.args[0], "time")
            return [self.stmt(node, {key: v, "body": cont(sc)})]
        if self.is_asyncio(e.func, "TaskGroup"):
            self.native(e, "asyncio.TaskGroup()")
            self.no_args(e)
            gid = var or "_"
            if var and (var in sc.names or var in sc.values or var in self.resources):
                raise self.Unsupported(item.optional_vars, f"rebinding {var!r} is not supported")
            inner = sc.bind(var, ("atg", gid)) if var else sc.copy()
            inner.open_atgs = sc.open_atgs + [gid]
            body = cont(inner)
            sc.adopt(inner)  # the tasks it made stay bound after the block
            if var:  # and the group is finished: its create_task is refused
                sc.names[var] = ("atg", gid + " (finished)")
            return [self.stmt(node, {"asyncio_task_group": body})]
        return None
