"""handles_scopes.py - issue 18/19 forms of the Python front end, for translate.py.

A mixin of translate.Translator:
- raise ExceptionGroup("m", [ValueError("a"), ...]) (also BaseExceptionGroup, nested):
  the format's raise with "exceptions";
- h = tg.start_soon(f, name="h"): AnyIO 4.14's start_soon returns the TaskHandle;
- srv = await tg.start(f, return_handle=True) and v = srv.start_value: start with
  "return_handle" and "as" (the value is bound when start returns, as AnyIO's is);
- s = anyio.CancelScope(deadline=t, shield=b) made apart from its 'with': s.__enter__()
  and s.__exit__(None, None, None) are scope_enter / scope_exit, a 'with s:' is the
  cancel_scope block, and 'with s:' / 'async with tg:' of a scope or task group used
  already is reenter (the misuse AnyIO refuses, or asyncio's backend lets through).

Scope.names holds a made-but-not-entered scope as ("new_scope", scenario name, options).
"""
import ast

GROUP_CLASSES = ("BaseExceptionGroup", "ExceptionGroup")
SCOPE_PROBES = ("cancel_called", "cancelled_caught", "deadline", "shield")  # print(s.X): probe


class HandlesScopes:
    """Mixed into translate.Translator (qual, stmt, fresh, exc_class, spawn, literal, number,
    describe, body, with_ and Unsupported come from there)."""

    # -- exception groups ---------------------------------------------------------------------
    def group_member(self, e):
        """One exception constructed (not raised) inside a group: {"raise": C, "message": m}."""
        if not isinstance(e, ast.Call):
            raise self.Unsupported(e, f"{self.describe(e)} in an exception group is not supported (only an "
                                      "exception constructed there: ValueError(\"m\"))")
        cls = self.exc_class(e.func)
        if cls in GROUP_CLASSES:
            return self.group_raise(e, cls)
        if e.keywords or len(e.args) > 1:
            raise self.Unsupported(e, "an exception with arguments other than one message is not supported")
        d = {"raise": cls}
        if e.args:
            msg = self.literal(e.args[0], "message")
            if not isinstance(msg, str):
                raise self.Unsupported(e.args[0], "a message other than a string is not supported")
            d["message"] = msg
        return d

    def group_raise(self, e, cls):
        """ExceptionGroup("m", [members]) as the format's raise with "exceptions"."""
        if not isinstance(e, ast.Call) or e.keywords or len(e.args) != 2:
            raise self.Unsupported(e, f"{cls}() other than with a message and a list of exceptions is not supported")
        msg = self.literal(e.args[0], "message")
        if not isinstance(msg, str):
            raise self.Unsupported(e.args[0], "a group message other than a string is not supported")
        members = e.args[1]
        if not isinstance(members, (ast.List, ast.Tuple)):
            raise self.Unsupported(members, f"{self.describe(members)} as a group's exceptions is not supported "
                                            "(only a list of exceptions)")
        return {"raise": cls, "message": msg, "exceptions": [self.group_member(m) for m in members.elts]}

    # -- statements -----------------------------------------------------------------------------
    def handle_statement(self, s, sc):
        """h = tg.start_soon(...), srv = await tg.start(..., return_handle=True), v = srv.start_value,
        s = anyio.CancelScope(...), s.__enter__(), s.__exit__(None, None, None); or None."""
        if isinstance(s, ast.Assign) and len(s.targets) == 1 and isinstance(s.targets[0], ast.Name):
            return self.handle_assign(s, s.targets[0], sc)
        if isinstance(s, ast.Expr) and isinstance(s.value, ast.Call) and isinstance(s.value.func, ast.Attribute) \
                and s.value.func.attr in ("__enter__", "__exit__"):
            return [self.stmt(s, self.dunder_call(s.value, sc))]
        if isinstance(s, ast.Expr) and isinstance(s.value, ast.Call):
            m = self.method(s.value, sc)
            if m and m[0] == "new_scope":
                raise self.Unsupported(s.value, f"{self.dotted_text(s.value.func)}() of a CancelScope not entered yet "
                                                "is not supported")
        return None

    def check_new_name(self, target, sc):
        name = target.id
        if name in sc.names or name in sc.values or name in sc.excs or name in self.resources:
            raise self.Unsupported(target, f"rebinding {name!r} is not supported")
        return name

    def handle_assign(self, s, target, sc):
        v = s.value
        m = self.method(v, sc) if isinstance(v, ast.Call) else None
        if m and m[0] == "tg" and m[2] == "start_soon":  # 4.14: start_soon returns the TaskHandle
            name = self.check_new_name(target, sc)
            d = self.function_form(self.spawn("start_soon", v, m[1], sc), "start_soon")
            sc.names[name] = ("task", d["start_soon"])
            return [self.stmt(s, d)]
        if sc.lookup(v, self) == ("limiter", "default"):  # lim = anyio.to_thread.current_default_thread_limiter()
            name = self.check_new_name(target, sc)
            sc.names[name] = ("limiter", "default")
            return []
        if isinstance(v, ast.Call) and self.qual(v.func) == "anyio.CancelScope":
            name = self.check_new_name(target, sc)
            sc.names[name] = ("new_scope", self.fresh(name), self.scope_options(v))
            return []
        if isinstance(v, ast.Attribute) and v.attr == "start_value":
            obj = sc.lookup(v.value, self)
            d = self.start_handles.get(obj[1]) if obj and obj[0] == "task" else None
            if d is None:
                raise self.Unsupported(v, f"{self.dotted_text(v)} is not supported (only the start_value of a "
                                          "handle of tg.start(..., return_handle=True) of this function)")
            name = target.id
            if name in sc.names or name in sc.excs:
                raise self.Unsupported(target, f"rebinding {name!r} is not supported")
            sc.values.add(name)
            if "as" not in d:  # the start statement binds it (AnyIO sets it when start returns)
                pos = d.pop("pos", None)
                d["as"] = name
                if pos is not None:
                    d["pos"] = pos  # last, as every statement writes it
                return []
            return [self.stmt(s, {"let": name, "value": {"name": d["as"]}})]
        return None

    def function_form(self, d, kind):
        """A spawn whose handle is kept, in the function form: await h / h.return_value give what the
        function returned, which a body calling it would not (as translate.py's create_task does)."""
        if "body" not in d:
            return d
        f = {kind: d[kind], "function": d["body"][0]["call"], "args": []}
        f.update((k, v) for k, v in d.items() if k not in (kind, "body"))
        return f

    def scope_options(self, call):
        """CancelScope(deadline=t, shield=b): the options as the format writes them."""
        if call.args:
            raise self.Unsupported(call, "CancelScope() with positional arguments is not supported")
        opts = {}
        for k in call.keywords:
            if k.arg == "deadline":
                opts["deadline"] = self.number(k.value, "deadline")
            elif k.arg == "shield":
                v = self.literal(k.value, "shield")
                if not isinstance(v, bool):
                    raise self.Unsupported(k.value, "a shield other than True or False is not supported")
                opts["shield"] = v
            else:
                raise self.Unsupported(call, "CancelScope() with arguments other than shield= and deadline= is not "
                                             "supported")
        return opts

    def dunder_call(self, call, sc):
        """s.__enter__() of a scope made by CancelScope(), s.__exit__(None, None, None) of one entered so."""
        f = call.func
        obj = sc.names.get(f.value.id) if isinstance(f.value, ast.Name) else None
        if f.attr == "__enter__":
            if call.args or call.keywords:
                raise self.Unsupported(call, "__enter__() with arguments is not supported")
            if not obj or obj[0] != "new_scope":
                raise self.Unsupported(call, f"{self.dotted_text(f)}() is not supported (only of a scope made by "
                                             "s = anyio.CancelScope(...) and not entered yet)")
            sc.names[f.value.id] = ("scope", obj[1], "by hand")
            return {"scope_enter": obj[1], **obj[2]}
        nones = len(call.args) == 3 and all(isinstance(a, ast.Constant) and a.value is None for a in call.args)
        if not nones or call.keywords:
            raise self.Unsupported(call, "__exit__() other than __exit__(None, None, None) is not supported")
        if not obj or len(obj) != 3 or obj[2] != "by hand":
            raise self.Unsupported(call, f"{self.dotted_text(f)}() is not supported (only of a scope entered by "
                                         "s.__enter__())")
        return {"scope_exit": obj[1]}

    # -- probes -----------------------------------------------------------------------------------
    def scope_probe(self, call, sc):
        """print(anyio.current_effective_deadline()) / print(anyio.current_time()) /
        print(s.cancel_called) (also cancelled_caught, deadline, shield; s a scope or
        tg.cancel_scope) as the format's probe, or None."""
        if len(call.args) != 1 or call.keywords:
            for a in call.args:
                if isinstance(a, ast.Attribute) and a.attr in SCOPE_PROBES:
                    raise self.Unsupported(a, f"print() of {self.dotted_text(a)} among other arguments is not "
                                              f"supported (only print({self.dotted_text(a)}) alone)")
            return None
        a = call.args[0]
        if isinstance(a, ast.Call) and self.qual(a.func) in ("anyio.current_effective_deadline", "anyio.current_time"):
            self.no_args(a)
            return {"probe": "effective_deadline" if self.qual(a.func).endswith("deadline") else "time"}
        if isinstance(a, ast.Attribute) and a.attr in SCOPE_PROBES:
            obj = sc.lookup(a.value, self)
            if obj and obj[0] in ("scope", "tg"):
                return {"probe": a.attr, "scope": obj[1]}
        return None

    # -- blocks -----------------------------------------------------------------------------------
    def object_with(self, s, item, rest, sc, node, is_async):
        """with s: of a scope made apart (cancel_scope) or used already (reenter); async with tg: of a
        task group used already (reenter); or None."""
        e = item.context_expr
        obj = sc.names.get(e.id) if isinstance(e, ast.Name) else None
        if not obj or obj[0] not in (("tg",) if is_async else ("scope", "new_scope")):
            return None
        if item.optional_vars is not None:
            raise self.Unsupported(item.optional_vars, f"'with {e.id} as ...' is not supported (use {e.id} itself)")
        if obj[0] == "new_scope":  # entered now: s.cancel() and the rest apply to it from here on
            sc.names[e.id] = ("scope", obj[1])
        cont = self.async_with if is_async else self.with_
        body = cont(s, rest, sc) if rest else self.body(s.body, sc)
        if obj[0] == "new_scope":
            return [self.stmt(node, {"cancel_scope": obj[1], **obj[2], "body": body})]
        return [self.stmt(node, {"reenter": obj[1], "body": body})]
