"""threads_portals.py - threads and blocking portals (issue 26) for translate.py.

A mixin of translate.Translator:
- await anyio.to_thread.run_sync(work, p, tok, abandon_on_cancel=b, limiter=lim): the
  plain `def work(p, tok):` inlined as the to_thread's thread steps, its parameters
  naming the portals and tokens given (each call site inlines it anew);
- in a thread: time.sleep (block), print (log), raise, return, check_cancelled,
  anyio.from_thread.run(afn, 1, token=tok) (from_thread),
  anyio.from_thread.run_sync(fn or ev.set, token=tok) (from_thread_sync),
  p.call(afn, ...), p.call(p.stop, b), f = p.start_task_soon(afn, ...), f.result(),
  f.cancel(), f, _ = p.start_task(svc), with p.wrap_async_context_manager(cm()):;
- async with anyio.from_thread.BlockingPortal() as p: (blocking_portal) and
  await p.stop(cancel_remaining=b) (portal_stop);
- tok = anyio.lowlevel.current_token() (current_token);
- threading.Thread(target=fn, args=(tok,), name="t1").start() at module level or among
  the entry function's first statements, before its first await: the scenario's
  top-level "threads" entry, starting at virtual time 0 (the loop runs it when it
  first waits; a later start has no place in the format that runs it where Python does);
- a synchronous `def main():` called at module level: "sync_main", its
  `with start_blocking_portal(backend) as p:` the start_blocking_portal step;
- v = p.call(...) / f.result() / anyio.from_thread.run(...), f, v = p.start_task(...):
  the thread step's "as", read by print("x", v) and return v.

Names: Scope.names holds ("portal", name) and ("token", name); a thread's own names
(its parameters, futures and values) are the env dict thread_body passes along.
"""
import ast

BLOCKING_PORTAL = "anyio.from_thread.BlockingPortal"
THREAD_CLASS = "threading.Thread"


class ThreadsPortals:
    """Mixed into translate.Translator (qual, stmt, fresh, literal, number, describe, body,
    raise_, print_text, no_args, callee, with_args, funcs, resources and Unsupported)."""

    # -- to_thread ----------------------------------------------------------------------
    def to_thread(self, call, sc):
        if not call.args:
            raise self.Unsupported(call, "to_thread.run_sync() other than with one function is not supported")
        e = call.args[0]
        if not isinstance(e, ast.Name) or e.id not in self.funcs or self.funcs[e.id].is_async:
            raise self.Unsupported(e, f"{self.describe(e)} as the function to run in a thread is not supported "
                                      "(only a plain def of the file)")
        f = self.funcs[e.id]
        env = self.thread_args(f, call, call.args[1:], sc)
        d = {"to_thread": self.thread_body(f.node.body, env)}
        for k in call.keywords:
            if k.arg == "abandon_on_cancel":
                v = self.literal(k.value, "abandon_on_cancel")
                if not isinstance(v, bool):
                    raise self.Unsupported(k.value, "abandon_on_cancel other than True or False is not supported")
                d["abandon_on_cancel"] = v
            elif k.arg == "limiter":
                r = self.resources.get(k.value.id) if isinstance(k.value, ast.Name) else None
                if not r and sc.lookup(k.value, self) == ("limiter", "default"):
                    r = ("limiter", "default")
                if not r or r[0] != "limiter":
                    raise self.Unsupported(k.value, f"{self.describe(k.value)} as the limiter is not supported "
                                                    "(only a module-level CapacityLimiter)")
                d["limiter"] = r[1]
            else:
                raise self.Unsupported(k.value, f"to_thread.run_sync() with {k.arg}= is not supported")
        return d

    def thread_args(self, f, call, args, sc):
        """The thread function's parameters -> the portals / tokens the caller passes."""
        if len(args) != len(f.params):
            raise self.Unsupported(call, f"{f.name}() takes {len(f.params)} argument"
                                         f"{'s' if len(f.params) != 1 else ''}, {len(args)} given")
        env = {}
        for p, a in zip(f.params, args):
            obj = sc.lookup(a, self) if sc is not None and isinstance(a, ast.Name) else None
            if not obj or obj[0] not in ("portal", "token"):
                raise self.Unsupported(a, f"{self.describe(a)} as an argument of a thread function is not "
                                          "supported (only a BlockingPortal or an event loop token)")
            env[p] = obj
        return env

    # -- thread steps ----------------------------------------------------------------------
    def thread_body(self, stmts, env):
        out = []
        for s in stmts:
            if isinstance(s, ast.Pass) or (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant)
                                           and isinstance(s.value.value, str)):
                continue
            if isinstance(s, ast.Raise):
                if s.exc is None:
                    raise self.Unsupported(s, "bare 'raise' in a thread is not supported")
                out.append(self.raise_(s))
            elif isinstance(s, ast.Return) and isinstance(s.value, ast.Name):
                out.append(self.stmt(s, {"return_value": self.thread_value_name(s.value, env)}))
            elif isinstance(s, ast.Return):
                out.append(self.stmt(s, {"return": None if s.value is None else self.literal_value(s.value)}))
            elif isinstance(s, ast.Assign):
                out.append(self.stmt(s, self.thread_assign(s, env)))
            elif isinstance(s, ast.With) and self.is_start_blocking_portal(s.items[0].context_expr):
                raise self.Unsupported(s, "'with start_blocking_portal()' other than among the statements of the "
                                          "synchronous main itself is not supported (one event loop per program)")
            elif isinstance(s, ast.With):
                out.append(self.portal_with(s, env))
            elif isinstance(s, ast.Expr) and isinstance(s.value, ast.Call):
                out.append(self.stmt(s, self.thread_call(s.value, env)))
            else:
                raise self.Unsupported(s, f"{self.describe(s)} in a thread is not supported")
        return out

    def thread_call(self, call, env):
        q = self.qual(call.func)
        if q == "time.sleep":
            if len(call.args) != 1 or call.keywords:
                raise self.Unsupported(call, "time.sleep() other than with one number is not supported")
            d = self.number(call.args[0], "duration")
            if d < 0:
                raise self.Unsupported(call.args[0], "a negative time.sleep() is not supported")
            return {"block": d}
        if isinstance(call.func, ast.Name) and call.func.id == "print" and "print" not in self.funcs:
            if any(isinstance(a, ast.Name) for a in call.args):  # print("got", v): a named value
                self.print_text(call, check_only=True)
                return {"print": [{"name": self.thread_value_name(a, env)} if isinstance(a, ast.Name) else
                                  self.literal(a, "print() argument") for a in call.args]}
            return {"log": self.print_text(call)}
        if q == "anyio.from_thread.check_cancelled":
            self.no_args(call)
            return {"check_cancelled": None}
        if q in ("anyio.from_thread.run", "anyio.from_thread.run_sync"):
            return self.from_thread(call, q == "anyio.from_thread.run_sync", env)
        m = self.thread_method(call, env)
        if m is not None:
            return m
        raise self.Unsupported(call, f"{self.describe(call)} in a thread is not supported")

    def thread_obj(self, e, env):
        """(kind, scenario name) of a name a thread reads: its parameters and futures, or None."""
        return env.get(e.id) if isinstance(e, ast.Name) else None

    def thread_value_name(self, e, env):
        """The name of a value a thread step bound."""
        if env.get(e.id, ("",))[0] != "value":
            raise self.Unsupported(e, f"{self.describe(e)} as a value in a thread is not supported (only a value "
                                      "bound by v = p.call(...), f.result(), from_thread.run(...) or p.start_task)")
        return e.id

    def thread_token(self, call, env):
        """The token= keyword of a from_thread call: the token's name, or None."""
        tok = None
        for k in call.keywords:
            obj = self.thread_obj(k.value, env)
            if k.arg != "token" or not obj or obj[0] != "token":
                raise self.Unsupported(k.value if k.arg else call, f"{self.dotted_text(call.func)}() with "
                                       f"{k.arg}= other than token=<a current_token() passed in> is not supported")
            tok = obj[1]
        return tok

    def async_fn_call(self, e, args, call, what):
        """[{"call": f, "args": [...]}] for an async def of the file called with literals."""
        if not isinstance(e, ast.Name) or e.id not in self.funcs or not self.funcs[e.id].is_async:
            raise self.Unsupported(e, f"{self.describe(e)} as the function of {what} is not supported (only an "
                                      "async def of the file)")
        f = self.funcs[e.id]
        self.referenced.add(f.name)
        d = {"call": f.name}
        if len(args) != len(f.params):
            raise self.Unsupported(call, f"{f.name}() takes {len(f.params)} argument"
                                         f"{'s' if len(f.params) != 1 else ''}, {len(args)} given")
        if args:
            d["args"] = [self.thread_value(a) for a in args]
        return [self.stmt(call, d)]

    def thread_value(self, a):
        """An argument a thread passes: a literal or a module-level object."""
        if isinstance(a, ast.Name) and a.id in self.resources:
            return {"name": self.resources[a.id][1]}
        return self.literal_value(a)

    def from_thread(self, call, sync, env):
        what = "from_thread.run_sync()" if sync else "from_thread.run()"
        if not call.args:
            raise self.Unsupported(call, f"{what} without a function is not supported")
        tok = self.thread_token(call, env)
        e = call.args[0]
        if sync:
            d = {"from_thread_sync": self.sync_fn_body(e, call, what)}
        else:
            d = {"from_thread": self.async_fn_call(e, call.args[1:], call, what)}
        if tok:
            d["token"] = tok
        return d

    def sync_fn_body(self, e, call, what):
        """The statements of from_thread.run_sync(fn): ev.set, or a plain def of the file
        whose body only prints, sets module-level events, raises and returns."""
        if len(call.args) != 1:
            raise self.Unsupported(call, f"{what} with arguments for the function is not supported")
        if isinstance(e, ast.Attribute) and e.attr == "set" and isinstance(e.value, ast.Name) and \
                self.resources.get(e.value.id, ("",))[0] == "event":
            return [self.stmt(e, {"set": self.resources[e.value.id][1]})]
        if not isinstance(e, ast.Name) or e.id not in self.funcs or self.funcs[e.id].is_async or \
                self.funcs[e.id].params:
            raise self.Unsupported(e, f"{self.describe(e)} as the function of {what} is not supported (only "
                                      "ev.set of a module-level event or a plain def of the file without parameters)")
        out = []
        for s in self.funcs[e.id].node.body:
            if isinstance(s, ast.Pass) or (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant)):
                continue
            if isinstance(s, ast.Raise) and s.exc is not None:
                out.append(self.raise_(s))
            elif isinstance(s, ast.Return):
                out.append(self.stmt(s, {"return": None if s.value is None else self.literal_value(s.value)}))
            elif isinstance(s, ast.Expr) and isinstance(s.value, ast.Call) and isinstance(s.value.func, ast.Name) \
                    and s.value.func.id == "print" and "print" not in self.funcs:
                out.append(self.stmt(s, {"log": self.print_text(s.value)}))
            elif isinstance(s, ast.Expr) and isinstance(s.value, ast.Call) and \
                    isinstance(s.value.func, ast.Attribute) and s.value.func.attr == "set" and \
                    isinstance(s.value.func.value, ast.Name) and \
                    self.resources.get(s.value.func.value.id, ("",))[0] == "event":
                self.no_args(s.value)
                out.append(self.stmt(s, {"set": self.resources[s.value.func.value.id][1]}))
            else:
                raise self.Unsupported(s, f"{self.describe(s)} in a function run by {what} is not supported (only "
                                          "print, ev.set(), raise and return)")
        return out

    # -- portals and futures in a thread ----------------------------------------------------
    def thread_method(self, call, env):
        """p.call / p.start_task_soon / p.start_task, f.result / f.cancel, or None."""
        if not isinstance(call.func, ast.Attribute):
            return None
        obj = self.thread_obj(call.func.value, env)
        if not obj:
            return None
        kind, name, m = obj[0], obj[1], call.func.attr
        if kind == "future" and m in ("result", "cancel"):
            self.no_args(call)
            return {"future_" + m: name}
        if kind != "portal":
            raise self.Unsupported(call, f"{self.describe(call)} in a thread is not supported")
        if m == "call" and call.args and self.is_portal_stop(call.args[0], name, env):
            if call.keywords or len(call.args) > 2:
                raise self.Unsupported(call, "p.call(p.stop) other than with one cancel_remaining is not supported")
            d = {"portal_stop": name}
            if len(call.args) == 2:
                d["cancel_remaining"] = self.flag(call.args[1], "cancel_remaining")
            return d
        if m == "call":
            if call.keywords:
                raise self.Unsupported(call.keywords[0].value, "keyword arguments in a call are not supported")
            if call.args and isinstance(call.args[0], ast.Attribute):  # p.call(ev.set)
                return {"portal_call": name, "body": self.sync_fn_body(call.args[0], call, "p.call()")}
            return {"portal_call": name, "body": self.async_fn_call(call.args[0] if call.args else call,
                                                                      call.args[1:], call, "p.call()")}
        if m in ("start_task_soon", "start_task"):
            return self.portal_spawn(call, name, m, None)
        raise self.Unsupported(call, f"{self.describe(call)} in a thread is not supported")

    def is_portal_stop(self, e, portal, env):
        if not (isinstance(e, ast.Attribute) and e.attr == "stop"):
            return False
        obj = self.thread_obj(e.value, env)
        if obj != ("portal", portal):
            raise self.Unsupported(e, "p.call() of another portal's stop is not supported")
        return True

    def flag(self, node, what):
        v = self.literal(node, what)
        if not isinstance(v, bool):
            raise self.Unsupported(node, f"{what} other than True or False is not supported")
        return v

    def portal_spawn(self, call, portal, m, future):
        """start_task_soon(afn, *args, name=...) / start_task(svc, name=...)."""
        if not call.args:
            raise self.Unsupported(call, f"{m}() without a function is not supported")
        d = {"portal_" + m: portal, "future": future or self.fresh_future("future")}
        for k in call.keywords:
            if k.arg != "name":
                raise self.Unsupported(k.value, f"{m}() with {k.arg}= is not supported")
            d["name"] = self.literal(k.value, "task name")
        if m == "start_task":
            e = call.args[0]
            f = self.funcs.get(e.id) if isinstance(e, ast.Name) else None
            if not f or not f.is_async or not f.has_status:
                raise self.Unsupported(e, f"{self.describe(e)} as the function of start_task() is not supported "
                                          "(only an async def of the file taking task_status)")
        d["body"] = self.async_fn_call(call.args[0], call.args[1:], call, f"{m}()")
        return d

    def fresh_future(self, want):
        """A future name (its own namespace, unique in the file)."""
        futures = self.__dict__.setdefault("futures_used", set())
        name, k = want, 1
        while name in futures:
            k += 1
            name = f"{want}_{k}"
        futures.add(name)
        return name

    def thread_assign(self, s, env):
        """In a thread: f = p.start_task_soon(...), f, v = p.start_task(...) (v or _), and
        v = p.call(...) / f.result() / anyio.from_thread.run(...): the step's "as" (a named
        value of the thread function, which print and return read)."""
        t, v = s.targets[0] if len(s.targets) == 1 else None, s.value
        m = v.func.attr if isinstance(v, ast.Call) and isinstance(v.func, ast.Attribute) else None
        obj = self.thread_obj(v.func.value, env) if m else None
        if isinstance(t, ast.Tuple) and len(t.elts) == 2 and all(isinstance(x, ast.Name) for x in t.elts) and \
                obj and obj[0] == "portal" and m == "start_task":
            d = self.portal_spawn(v, obj[1], m, self.fresh_future(self.thread_bind(t.elts[0], env, "future")))
            env[t.elts[0].id] = ("future", d["future"])
            if t.elts[1].id != "_":
                d["as"] = self.thread_bind(t.elts[1], env, "value")
            return d
        if isinstance(t, ast.Name) and obj and obj[0] == "portal" and m == "start_task_soon":
            d = self.portal_spawn(v, obj[1], m, self.fresh_future(self.thread_bind(t, env, "future")))
            env[t.id] = ("future", d["future"])
            return d
        valued = isinstance(v, ast.Call) and (
            self.qual(v.func) == "anyio.from_thread.run" or
            (obj and obj[0] == "portal" and m == "call" and not (v.args and isinstance(v.args[0], ast.Attribute)))
            or (obj and obj[0] == "future" and m == "result"))
        if not isinstance(t, ast.Name) or not valued:
            raise self.Unsupported(s, "assignment in a thread is not supported (only f = p.start_task_soon(...), "
                                      "f, v = p.start_task(...), and v = p.call(...), f.result() or "
                                      "anyio.from_thread.run(...))")
        d = self.thread_call(v, env)
        d["as"] = self.thread_bind(t, env, "value")
        return d

    def thread_bind(self, t, env, kind):
        """A name a thread step binds (once: a thread function's names are not rebound)."""
        if t.id in env:
            raise self.Unsupported(t, f"rebinding {t.id!r} is not supported")
        env[t.id] = (kind, t.id)
        return t.id

    def portal_with(self, s, env):
        """with p.wrap_async_context_manager(cm()): thread steps."""
        if len(s.items) != 1:
            raise self.Unsupported(s, "'with' of several items in a thread is not supported")
        item = s.items[0]
        e = item.context_expr
        call = e if isinstance(e, ast.Call) and isinstance(e.func, ast.Attribute) else None
        obj = self.thread_obj(call.func.value, env) if call else None
        if not obj or obj[0] != "portal" or call.func.attr != "wrap_async_context_manager":
            raise self.Unsupported(e, f"'with' of {self.describe(e)} in a thread is not supported (only "
                                      "p.wrap_async_context_manager(cm()))")
        cm = call.args[0] if len(call.args) == 1 and not call.keywords else None
        f = self.funcs.get(cm.func.id) if isinstance(cm, ast.Call) and isinstance(cm.func, ast.Name) else None
        if not f or not f.is_cm or cm.args or cm.keywords or f.params:
            raise self.Unsupported(call, "wrap_async_context_manager() other than of cm() (an @asynccontextmanager "
                                         "of the file without parameters) is not supported")
        if item.optional_vars is not None:
            raise self.Unsupported(item.optional_vars, "'with p.wrap_async_context_manager(...) as v' is not "
                                                       "supported (the value is not kept)")
        self.referenced.add(f.name)
        return self.stmt(s, {"portal_with": obj[1], "manager": f.name, "body": self.thread_body(s.body, env)})

    # -- a synchronous main: with start_blocking_portal() as p: -----------------------------
    def is_sync_run(self, node):
        """main() at module level (or under the __main__ guard), main a plain def of the file."""
        call = node.value
        f = self.funcs.get(call.func.id) if isinstance(call.func, ast.Name) else None
        if not f or f.is_async:
            return False
        if call.args or call.keywords:
            raise self.Unsupported(call, f"calling {f.name}() with arguments at module level is not supported")
        self.run_target, self.sync_run = call.func, True
        return True

    def is_start_blocking_portal(self, e):
        return isinstance(e, ast.Call) and self.qual(e.func) == "anyio.from_thread.start_blocking_portal"

    def sync_main(self, f):
        """A plain def main() run by the program itself: the scenario's "sync_main" (thread steps),
        its `with start_blocking_portal(backend) as p:` the scenario's one event loop."""
        out, env = [], {}
        for s in f.node.body:
            if not (isinstance(s, ast.With) and self.is_start_blocking_portal(s.items[0].context_expr)):
                out.extend(self.thread_body([s], env))
                continue
            if len(s.items) != 1:
                raise self.Unsupported(s, "'with' of several items in a thread is not supported")
            item = s.items[0]
            e = item.context_expr
            args = list(e.args) + [k.value for k in e.keywords if k.arg == "backend"]
            if len(args) > 1 or any(k.arg not in ("backend", "name") for k in e.keywords):
                raise self.Unsupported(e, "start_blocking_portal() other than with a backend and name= is not "
                                          "supported")
            if args:
                b = self.literal(args[0], "backend")
                if b not in ("asyncio", "trio"):
                    raise self.Unsupported(args[0], "a backend other than \"asyncio\" or \"trio\" is not supported")
                self.run_backend = b
            if not isinstance(item.optional_vars, ast.Name):
                raise self.Unsupported(e, "'with start_blocking_portal()' other than 'as NAME' is not supported")
            var = item.optional_vars.id
            env[var] = ("portal", var)
            out.append(self.stmt(s, {"start_blocking_portal": var, "body": self.thread_body(s.body, env)}))
        return out

    # -- async code ---------------------------------------------------------------------------
    def portal_async_with(self, item, var, cont, sc, node):
        """async with anyio.from_thread.BlockingPortal() as p:, or None."""
        e = item.context_expr
        if not (isinstance(e, ast.Call) and self.qual(e.func) == BLOCKING_PORTAL):
            return None
        self.no_args(e)
        if not var:
            raise self.Unsupported(e, "'async with BlockingPortal()' without 'as' is not supported (the threads "
                                      "need its name)")
        portals = self.__dict__.setdefault("portals_used", set())
        name, k = var, 1
        while name in portals:
            k += 1
            name = f"{var}_{k}"
        portals.add(name)
        inner = sc.bind(var, ("portal", name))
        inner.open_tgs = sc.open_tgs + [None]  # its task group: anonymous (a start_soon in it is refused)
        d = {"blocking_portal": name, "body": cont(inner)}
        inner.open_tgs = sc.open_tgs
        sc.adopt(inner)
        return [self.stmt(node, d)]

    def portal_await(self, call, sc):
        """await p.stop(cancel_remaining=b), or None."""
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)):
            return None
        obj = sc.lookup(call.func.value, self)
        if not obj or obj[0] != "portal":
            return None
        if call.func.attr != "stop":
            raise self.Unsupported(call, f"awaiting {self.describe(call)} is not supported (only p.stop())")
        args = list(call.args) + [k.value for k in call.keywords if k.arg == "cancel_remaining"]
        if len(args) > 1 or any(k.arg != "cancel_remaining" for k in call.keywords):
            raise self.Unsupported(call, "p.stop() other than with cancel_remaining is not supported")
        d = {"portal_stop": obj[1]}
        if args:
            d["cancel_remaining"] = self.flag(args[0], "cancel_remaining")
        return d

    def token_assign(self, s, sc):
        """tok = anyio.lowlevel.current_token(), or None."""
        v = s.value
        if not (isinstance(v, ast.Call) and self.qual(v.func) == "anyio.lowlevel.current_token"):
            return None
        t = s.targets[0] if len(s.targets) == 1 else None
        if not isinstance(t, ast.Name):
            raise self.Unsupported(s, "current_token() other than assigned to a name is not supported")
        self.no_args(v)
        if t.id in sc.names or t.id in sc.values:
            raise self.Unsupported(t, f"rebinding {t.id!r} is not supported")
        sc.names[t.id] = ("token", t.id)
        return [self.stmt(s, {"current_token": t.id})]

    # -- threading.Thread --------------------------------------------------------------------
    def thread_start(self, node, sc):
        """threading.Thread(target=fn, args=(...), name="t").start() as a statement: the
        scenario's "threads" entry (start_at 0), or None when node is something else."""
        call = node.value if isinstance(node, ast.Expr) else None
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "start"
                and isinstance(call.func.value, ast.Call) and self.qual(call.func.value.func) == THREAD_CLASS):
            if isinstance(node, (ast.Expr, ast.Assign)) and any(
                    isinstance(n, ast.Call) and self.qual(n.func) == THREAD_CLASS for n in ast.walk(node)):
                raise self.Unsupported(node, "threading.Thread other than threading.Thread(target=fn, ...).start() "
                                             "is not supported")
            return None
        self.no_args(call)
        if sc is not None and not self.before_first_await(node):
            raise self.Unsupported(node, "threading.Thread(...).start() other than at module level or before the "
                                         f"first await of {self.entry!r} is not supported (the thread starts at "
                                         "virtual time 0)")
        threads = self.__dict__.setdefault("plain_threads", {})
        if node in self.__dict__.setdefault("thread_nodes", set()):
            return []  # the entry's body read again (it is also called or spawned)
        self.thread_nodes.add(node)
        spec = call.func.value
        kw = {k.arg: k.value for k in spec.keywords}
        if spec.args or set(kw) - {"target", "args", "name", "daemon"} or "target" not in kw:
            raise self.Unsupported(spec, "threading.Thread() other than with target=, args=, name= and daemon= is "
                                         "not supported")
        e = kw["target"]
        if not isinstance(e, ast.Name) or e.id not in self.funcs or self.funcs[e.id].is_async:
            raise self.Unsupported(e, f"{self.describe(e)} as a thread's target is not supported (only a plain def "
                                      "of the file)")
        f = self.funcs[e.id]
        args = kw.get("args")
        if args is not None and not isinstance(args, (ast.Tuple, ast.List)):
            raise self.Unsupported(args, "a thread's args other than a tuple is not supported")
        env = self.thread_args(f, spec, list(args.elts) if args is not None else [], sc)
        want = f.name
        if "name" in kw:
            want = self.literal(kw["name"], "thread name")
            if not isinstance(want, str):
                raise self.Unsupported(kw["name"], "a thread name other than a string is not supported")
        name = self.fresh(want)
        threads[name] = {"start_at": 0, "steps": self.thread_body(f.node.body, env)}  # (no "pos" there)
        return []

    def before_first_await(self, node):
        """Whether node is a statement of the entry's own body with no await before it."""
        if not self.at_entry_top:
            return False
        for s in self.funcs[self.entry].node.body:
            if s is node:
                return True
            if any(isinstance(n, (ast.Await, ast.AsyncWith, ast.AsyncFor)) for n in ast.walk(s)):
                return False
        return False
