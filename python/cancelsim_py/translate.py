#!/usr/bin/env python3
"""translate.py - an AnyIO program (a Python file) as a cancelsim scenario.

    python3 translate.py FILE.py [--function NAME] [-o OUT.json]

Reads FILE.py with the standard library's `ast` (the program is never
imported nor run) and prints the scenario (docs/scenario-format.md) that
stands for `anyio.run(NAME)`: NAME is --function, else the function passed to
a module-level `anyio.run(...)`, else `main`.  Every statement carries
`"pos": [LINE, COLUMN]`, its position in FILE.py (columns in characters from
1), so the loader, the engine, the trace and the findings name the Python
source.  Anything outside the supported subset (docs/python.md) is refused
before anything runs:

    FILE.py:LINE:COL: error: <construct> is not supported     (exit status 2)

Standard library only: `cancelsim` runs this file with `python3` when it is
given a `.py` file, from the source tree or from share/cancelsim/.
"""
import ast
import json
import os
import sys

try:
    from .handles_scopes import HandlesScopes
    from .native_asyncio import NativeAsyncio
    from .threads_portals import ThreadsPortals
except ImportError:  # run as a script (cancelsim runs python3 -I, which leaves this folder off sys.path)
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from handles_scopes import HandlesScopes
    from native_asyncio import NativeAsyncio
    from threads_portals import ThreadsPortals

BUILTIN_CLASSES = (
    "BaseException", "Exception", "ArithmeticError", "ZeroDivisionError", "LookupError", "KeyError",
    "IndexError", "ValueError", "TypeError", "RuntimeError", "NotImplementedError", "OSError",
    "ConnectionError", "TimeoutError", "KeyboardInterrupt", "SystemExit", "GeneratorExit",
    "BaseExceptionGroup", "ExceptionGroup",
)
ANYIO_CLASSES = ("TaskFailed", "TaskCancelled", "WouldBlock", "BrokenResourceError", "ClosedResourceError",
                 "EndOfStream", "TaskNotFinished")  # TaskNotFinished: with handle.return_value only
GROUPS = ("BaseExceptionGroup", "ExceptionGroup")
CHECKPOINTS = {"anyio.lowlevel.checkpoint": "checkpoint",
               "anyio.lowlevel.checkpoint_if_cancelled": "checkpoint_if_cancelled",
               "anyio.lowlevel.cancel_shielded_checkpoint": "cancel_shielded_checkpoint",
               "anyio.sleep_forever": "sleep_forever"}
RESOURCES = {"anyio.Event": "event", "anyio.Lock": "lock", "anyio.Semaphore": "semaphore",
             "anyio.CapacityLimiter": "limiter", "anyio.Condition": "condition"}
WITH_RESOURCE = {"lock": "with_lock", "semaphore": "with_semaphore", "limiter": "with_limiter",
                 "condition": "with_condition"}
# synchronous calls on a lock, semaphore or limiter (issue 18), by method name
SYNC_CALLS = {"acquire_nowait": "acquire_nowait", "acquire_on_behalf_of_nowait": "acquire_nowait",
              "release": "release", "release_on_behalf_of": "release", "statistics": "statistics"}
MAX_NAME_TRIES = 100000
STREAM_KINDS = ("send_end", "receive_end")  # the ends of anyio.create_memory_object_stream()
DEFAULT_LIMITER = "anyio.to_thread.current_default_thread_limiter"
EXPECT_NAMES = {"CANCELSIM_EXPECT": "expect", "CANCELSIM_EXPECT_BY_BACKEND": "expect_by_backend"}


def source_lines(source):
    """The lines as Python numbers them (only \\n, \\r\\n and \\r end one; not
    the form feeds and Unicode separators str.splitlines() also splits at)."""
    return source.replace("\r\n", "\n").replace("\r", "\n").split("\n")


class Unsupported(Exception):
    """A construct outside the subset, at a node (or (line, col))."""

    def __init__(self, node, message):
        super().__init__(message)
        self.node = node
        self.message = message


def describe(node):
    """What a construct is called in an error message."""
    names = {
        ast.While: "'while' loop", ast.If: "'if' statement", ast.AsyncFor: "'async for' loop",
        ast.Assign: "assignment", ast.AugAssign: "augmented assignment", ast.AnnAssign: "annotated assignment",
        ast.Delete: "'del'", ast.Global: "'global'", ast.Nonlocal: "'nonlocal'", ast.Break: "'break'",
        ast.Continue: "'continue'", ast.Assert: "'assert'", ast.Lambda: "lambda", ast.Match: "'match'",
        ast.ClassDef: "class definition", ast.FunctionDef: "nested function", ast.AsyncFunctionDef:
        "nested function", ast.Import: "import here", ast.ImportFrom: "import here", ast.Yield: "'yield'",
        ast.YieldFrom: "'yield from'", ast.JoinedStr: "f-string", ast.BinOp: "arithmetic",
        ast.Compare: "comparison", ast.BoolOp: "boolean operator",
    }
    for k, v in names.items():
        if isinstance(node, k):
            return v
    if isinstance(node, ast.Expr):
        return describe(node.value)
    if isinstance(node, ast.Await):
        return "'await' of " + describe(node.value)
    if isinstance(node, ast.Call):
        return f"call of {dotted_text(node.func)}"
    if isinstance(node, ast.Name):
        return f"name {node.id!r}"
    return type(node).__name__.lower() if isinstance(node, ast.expr) else type(node).__name__ + " statement"


def dotted_text(e):
    """Source-like text of a dotted name, for messages."""
    if isinstance(e, ast.Name):
        return e.id
    if isinstance(e, ast.Attribute):
        return dotted_text(e.value) + "." + e.attr
    if isinstance(e, ast.Call):
        return dotted_text(e.func) + "()"
    return "an expression"


def literal(node, what="value"):
    """A JSON-able literal: None, bool, int, float, str, and -number."""
    if isinstance(node, ast.Constant) and (node.value is None or isinstance(node.value, (bool, int, float, str))):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant) \
            and isinstance(node.operand.value, (int, float)) and not isinstance(node.operand.value, bool):
        return -node.operand.value
    raise Unsupported(node, f"{describe(node)} as a {what} is not supported (only a literal)")


def number(node, what):
    v = literal(node, what)
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise Unsupported(node, f"{what} {v!r} is not supported (only a number)")
    if v != v or v in (float("inf"), float("-inf")):
        raise Unsupported(node, f"{what} {v!r} is not supported (only a finite number)")
    return v


class Func:
    def __init__(self, node, is_async):
        self.node = node
        self.name = node.name
        self.is_async = is_async
        self.has_status = False
        self.params = []  # positional parameters (values or events), in order
        self.is_cm = False  # @contextlib.asynccontextmanager
        self.is_gen = is_async and _has_yield(node)  # an async generator function (issue 19)


def _has_yield(node):
    """Whether a def's own body holds a yield (not one of a nested def or lambda)."""
    todo = list(node.body)
    while todo:
        n = todo.pop()
        if isinstance(n, (ast.Yield, ast.YieldFrom)):
            return True
        if not isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            todo.extend(ast.iter_child_nodes(n))
    return False


class Translator(NativeAsyncio, HandlesScopes, ThreadsPortals):
    # what the mixins (native_asyncio.py, handles_scopes.py, threads_portals.py) use of this module
    Unsupported = Unsupported
    describe = staticmethod(describe)
    dotted_text = staticmethod(dotted_text)
    literal = staticmethod(literal)
    number = staticmethod(number)

    def __init__(self, source, filename, function=None):
        self.source = source
        self.filename = filename
        self.lines = source_lines(source)
        self.function = function
        self.alias = {}  # local name -> canonical dotted name ("anyio", "anyio.sleep", "time", ...)
        self.classes = {}  # user class -> base (in file order)
        self.resources = {}  # python name -> (kind, scenario name, value)
        self.funcs = {}  # name -> Func
        self.run_target = None
        self.run_backend = None  # anyio.run(main, backend=...): the scenario runs on that one
        self.expect = {}  # "expect" / "expect_by_backend" from CANCELSIM_EXPECT...
        self.top_pos = {}  # top-level key -> [line, col]: the scenario's top-level "pos"
        self.used = {"main"}  # task / scope / group names (unique in a scenario)
        self.streams = []  # memory streams: {"send": name, "receive": name, "max_buffer_size": n}, in file order
        self.at_entry_top = False  # the statement being read is one of the entry function's own body
        self.stream_nodes = set()  # the create_memory_object_stream() statements already declared
        self.native_first = None  # (node, what): the first native asyncio use (issue 20), or None
        self.start_handles = {}  # start statements with return_handle, by name: srv.start_value sets their "as"

    # -- positions ------------------------------------------------------------------
    def pos(self, node):
        """[line, column] of a node, the column in characters from 1."""
        line, off = node.lineno, node.col_offset
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        col = len(text.encode("utf-8")[:off].decode("utf-8", "replace")) + 1
        return [line, col]

    def stmt(self, node, d):
        d["pos"] = self.pos(node)
        return d

    # -- names ------------------------------------------------------------------------
    def qual(self, e):
        """The canonical dotted name of an expression (anyio.sleep), or None."""
        if isinstance(e, ast.Name):
            return self.alias.get(e.id)
        if isinstance(e, ast.Attribute):
            base = self.qual(e.value)
            return base + "." + e.attr if base else None
        return None

    def fresh(self, want):
        """A unique scenario name from a Python one ('[', ']', '#' replaced)."""
        base = "".join("_" if ch in "[]#" else ch for ch in want) or "_"
        name, k = base, 1
        while name in self.used:
            k += 1
            if k > MAX_NAME_TRIES:
                raise Unsupported((1, 1), "too many names")
            name = f"{base}_{k}"
        self.used.add(name)
        return name

    # -- module level -----------------------------------------------------------------
    def module(self, tree):
        body = list(tree.body)
        for i, node in enumerate(body):
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and \
                    isinstance(node.value.value, str):
                continue  # a docstring
            if isinstance(node, ast.Import):
                for a in node.names:
                    if a.name.split(".")[0] not in ("anyio", "time", "math", "contextlib", "signal", "asyncio",
                                                    "threading") and a.name != "concurrent.futures":
                        raise Unsupported(node, f"import of {a.name!r} is not supported (only anyio, time, "
                                                "math, contextlib, signal, asyncio, threading and "
                                                "concurrent.futures)")
                    if a.asname:
                        self.alias[a.asname] = a.name
                    else:
                        self.alias[a.name.split(".")[0]] = a.name.split(".")[0]
            elif isinstance(node, ast.ImportFrom):
                ok = node.module and (node.module.split(".")[0] == "anyio" or
                                      node.module in ("contextlib", "asyncio", "concurrent.futures"))
                if node.level or not ok:
                    raise Unsupported(node, f"import from {node.module or '.'!r} is not supported (only anyio, "
                                            "contextlib, asyncio and concurrent.futures)")
                if node.module == "contextlib" and any(a.name not in ("asynccontextmanager", "aclosing")
                                                       for a in node.names):
                    raise Unsupported(node, "from contextlib only asynccontextmanager and aclosing are supported")
                if node.module == "concurrent.futures" and any(a.name != "CancelledError" for a in node.names):
                    raise Unsupported(node, "from concurrent.futures only CancelledError is supported")
                for a in node.names:
                    if a.name == "*":
                        raise Unsupported(node, "'from anyio import *' is not supported")
                    self.alias[a.asname or a.name] = node.module + "." + a.name
            elif isinstance(node, ast.ClassDef):
                self.exception_class(node)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self.define(node)
            elif isinstance(node, ast.Assign) and self.is_stream_creation(node):
                self.stream_creation(node)
            elif isinstance(node, ast.Assign):
                self.resource(node)
            elif self.thread_start(node, None) is not None:
                continue  # threading.Thread(target=fn).start(): a "threads" entry (threads_portals.py)
            elif self.is_run(node) or self.is_main_guard(node):
                if i != len(body) - 1:
                    raise Unsupported(node, "code after anyio.run() is not supported")
            else:
                raise Unsupported(node, f"{describe(node)} at module level is not supported")

    def is_run(self, node):
        if not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)):
            return False
        if self.is_sync_run(node):  # main() of a synchronous main (threads_portals.py)
            return True
        call = node.value
        if self.qual(call.func) == "asyncio.run":
            raise Unsupported(call, "asyncio.run() is not supported (the program is run by anyio.run(main), "
                                    "on AnyIO's backends)")
        if self.qual(call.func) != "anyio.run":
            return False
        if len(call.args) != 1 or not isinstance(call.args[0], ast.Name):
            raise Unsupported(call, "anyio.run() other than with the name of an async function is not supported")
        for k in call.keywords:
            v = literal(k.value, "backend") if k.arg == "backend" else None
            if k.arg != "backend" or v not in ("asyncio", "trio"):
                raise Unsupported(k.value if k.arg else call, "anyio.run() with arguments other than "
                                                              "backend=\"asyncio\" or \"trio\" is not supported")
            self.run_backend = v
        self.run_target = call.args[0]
        return True

    def is_main_guard(self, node):
        if not isinstance(node, ast.If) or node.orelse:
            return False
        t = node.test
        ok = isinstance(t, ast.Compare) and isinstance(t.left, ast.Name) and t.left.id == "__name__" and \
            len(t.ops) == 1 and isinstance(t.ops[0], ast.Eq) and isinstance(t.comparators[0], ast.Constant) and \
            t.comparators[0].value == "__main__"
        if not ok:
            return False
        if len(node.body) != 1 or not self.is_run(node.body[0]):
            raise Unsupported(node.body[0], "an 'if __name__ == \"__main__\"' block other than anyio.run(main) "
                                            "is not supported")
        return True

    def exception_class(self, node):
        if node.decorator_list or node.keywords or len(node.bases) != 1 or \
                not isinstance(node.bases[0], (ast.Name, ast.Attribute)):
            raise Unsupported(node, "class definition other than 'class Name(Base): pass' is not supported")
        for b in node.body:
            if not (isinstance(b, ast.Pass) or (isinstance(b, ast.Expr) and isinstance(b.value, ast.Constant))):
                raise Unsupported(b, "a class body other than 'pass' or a docstring is not supported")
        base = self.exc_class(node.bases[0], "base class")
        if base in GROUPS:
            raise Unsupported(node.bases[0], f"a subclass of {base} is not supported")
        if node.name in self.classes or node.name in BUILTIN_CLASSES or node.name == "Cancelled":
            raise Unsupported(node, f"redefining {node.name!r} is not supported")
        self.classes[node.name] = base

    def define(self, node):
        if node.name in self.funcs:
            raise Unsupported(node, f"redefining function {node.name!r} is not supported")
        f = Func(node, isinstance(node, ast.AsyncFunctionDef))
        for dec in node.decorator_list:
            if self.qual(dec) != "contextlib.asynccontextmanager" or not f.is_gen or f.is_cm:
                raise Unsupported(dec, "decorator is not supported (only @asynccontextmanager on an async generator)")
            f.is_cm = True
        a = node.args
        if a.posonlyargs or a.vararg or a.kwarg:
            raise Unsupported(node, "function parameters are not supported (only "
                                    "task_status=anyio.TASK_STATUS_IGNORED)")
        params = list(zip(a.args, [None] * (len(a.args) - len(a.defaults)) + list(a.defaults)))
        params += list(zip(a.kwonlyargs, a.kw_defaults))
        for arg, default in params:
            if arg.arg == "task_status" and f.is_async and default is not None and \
                    self.qual(default) == "anyio.TASK_STATUS_IGNORED":
                f.has_status = True
                continue
            if default is not None or arg in a.kwonlyargs or f.has_status or arg.annotation:
                raise Unsupported(arg, f"function parameter {arg.arg!r} is not supported (only positional "
                                       "parameters, and task_status=anyio.TASK_STATUS_IGNORED)")
            f.params.append(arg.arg)
        self.funcs[node.name] = f

    def expectation(self, node):
        """CANCELSIM_EXPECT = {...} / CANCELSIM_EXPECT_BY_BACKEND = {...}: the
        scenario's expect / expect_by_backend (format section 6), a literal."""
        key = EXPECT_NAMES[node.targets[0].id]
        try:
            v = ast.literal_eval(node.value)
        except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError):
            raise Unsupported(node.value, f"{node.targets[0].id} other than a literal dict is not supported")
        if not isinstance(v, dict):
            raise Unsupported(node.value, f"{node.targets[0].id} other than a literal dict is not supported")
        try:
            json.dumps(v, allow_nan=False)
        except (TypeError, ValueError):
            raise Unsupported(node.value, f"{node.targets[0].id} with values JSON cannot hold is not supported")
        self.expect[key] = v
        self.top_pos[key] = self.pos(node.value)

    def resource(self, node):
        if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) and \
                node.targets[0].id in EXPECT_NAMES:
            return self.expectation(node)
        if len(node.targets) != 1 or not isinstance(node.targets[0], ast.Name) or \
                not isinstance(node.value, ast.Call):
            raise Unsupported(node, "assignment at module level is not supported (only NAME = anyio.Event(), "
                                    "Lock(), Semaphore(n), CapacityLimiter(n) or Condition())")
        call, name = node.value, node.targets[0].id
        kind = RESOURCES.get(self.qual(call.func))
        if kind is None:
            raise Unsupported(call, f"{describe(call)} at module level is not supported")
        if name in self.resources:
            raise Unsupported(node, f"rebinding {name!r} is not supported")
        value = None
        if kind == "condition":
            if call.keywords or len(call.args) > 1:
                raise Unsupported(call, "Condition() other than with no argument or one lock is not supported")
            if call.args:
                a = call.args[0]
                r = self.resources.get(a.id) if isinstance(a, ast.Name) else None
                if not r or r[0] != "lock":
                    raise Unsupported(a, f"{describe(a)} as a Condition's lock is not supported (a lock made "
                                         "earlier at module level)")
                value = r[1]
        elif kind == "event" or (kind == "lock" and call.args):
            if call.args or call.keywords:
                raise Unsupported(call, f"arguments to {dotted_text(call.func)}() are not supported")
        elif kind == "lock":  # Lock(fast_acquire=B)
            value = self.sync_options(call, ("fast_acquire",)) or None
        else:
            allowed = ("max_value", "fast_acquire") if kind == "semaphore" else ()
            if len(call.args) != 1 or any(k.arg not in allowed for k in call.keywords):
                raise Unsupported(call, f"{dotted_text(call.func)}() other than with one number is not supported")
            value = literal(call.args[0], "count")
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise Unsupported(call.args[0], f"{value!r} as a count is not supported (an integer >= 0)")
            opts = self.sync_options(call, allowed)
            if opts:  # Semaphore(n, max_value=m, fast_acquire=B)
                value = {"value": value, **opts}
        sname = name if name != "default" else "default_"  # "default" would replace to_thread's limiter
        self.resources[name] = (kind, sname, value)

    # -- the scenario ---------------------------------------------------------------------
    def scenario(self, tree):
        self.module(tree)
        entry = self.function or (self.run_target.id if self.run_target else "main")
        where = self.run_target if (self.run_target and not self.function) else (1, 1)
        f = self.funcs.get(entry)
        sync = f is not None and not f.is_async and self.__dict__.get("sync_run") and not self.function
        if f is None or not (f.is_async or sync):
            raise Unsupported(where, f"no async function {entry!r} to run")
        if f.has_status:
            raise Unsupported(f.node, f"running {entry!r}, which takes task_status, is not supported")
        self.entry = entry
        self.referenced = set()
        if f.params:
            raise Unsupported(f.node, f"running {entry!r}, which takes parameters, is not supported")
        # first: the entry's names stay as written
        main = self.sync_main(f) if sync else self.body(f.node.body, Scope(f))
        functions = {}
        for name, g in self.funcs.items():
            if g.is_async and name != entry:
                functions[name] = self.function_def(g)
        if entry in self.referenced:  # also called or spawned: a function too (its names made anew)
            functions[entry] = self.function_def(f)
            functions = {n: functions[n] for n in self.funcs if n in functions}  # in file order
        doc = {"format": 1, "name": os.path.splitext(os.path.basename(self.filename))[0],
               "description": f"translated from {os.path.basename(self.filename)}"}
        if self.run_backend:
            doc["backends"] = [self.run_backend]
        self.native_backends(doc)
        if self.classes:
            doc["exceptions"] = dict(self.classes)
        for kind, key in (("limiter", "limiters"), ("semaphore", "semaphores")):
            m = {s: v for (k, s, v) in self.resources.values() if k == kind}
            if m:
                doc[key] = m
        for kind, key in (("event", "events"), ("lock", "locks")):
            m = [s for (k, s, v) in self.resources.values() if k == kind]
            if m:
                doc[key] = m
        if any(k == "lock" and v for (k, s, v) in self.resources.values()):  # Lock(fast_acquire=...)
            doc["locks"] = {s: (v or {}) for (k, s, v) in self.resources.values() if k == "lock"}
        conds = {s: ({} if v is None else {"lock": v}) for (k, s, v) in self.resources.values() if k == "condition"}
        if conds:
            doc["conditions"] = conds
        if self.streams:
            doc["memory_streams"] = self.streams
        if self.__dict__.get("plain_threads"):
            doc["threads"] = self.plain_threads
        if functions:
            doc["functions"] = functions
        doc["sync_main" if sync else "main"] = main
        doc.update(self.expect)
        if self.top_pos:
            doc["pos"] = self.top_pos
        return doc

    def function_def(self, g):
        """A function of the scenario: its body, with its parameters when it has some."""
        body = self.body(g.node.body, Scope(g))
        return {"params": list(g.params), "body": body} if g.params else body

    # -- async statements -----------------------------------------------------------------
    def body(self, stmts, sc):
        out = []
        top = stmts is sc.func.node.body and sc.func.name == self.entry
        for s in stmts:
            self.at_entry_top = top
            out.extend(self.statement(s, sc))
        return out

    def statement(self, s, sc):
        if isinstance(s, ast.Pass):
            return []
        started = self.thread_start(s, sc)  # threading.Thread(...).start() (threads_portals.py)
        if started is not None:
            return started
        if isinstance(s, ast.Assign):
            tok = self.token_assign(s, sc)
            if tok is not None:
                return tok
        native = self.native_statement(s, sc)
        if native is not None:
            return native
        handle = self.handle_statement(s, sc)
        if handle is not None:
            return handle
        if isinstance(s, ast.Expr):
            v = s.value
            if isinstance(v, ast.Constant) and isinstance(v.value, str):
                return []  # a docstring
            if isinstance(v, ast.Await):
                return [self.stmt(s, self.await_call(v.value, sc))]
            if isinstance(v, ast.Call):
                return [self.stmt(s, self.call(v, sc))]
            if isinstance(v, ast.Yield) and sc.func.is_gen:  # yield VALUE: a literal, as return takes
                return [self.stmt(s, {"yield": None if v.value is None else self.literal_value(v.value)})]
            raise Unsupported(v, f"{describe(v)} as a statement is not supported")
        if isinstance(s, ast.Assign) and self.is_stream_creation(s):
            if not self.at_entry_top:
                raise Unsupported(s, "create_memory_object_stream() is only supported at module level or in the "
                                     f"body of {self.entry!r} itself (a stream made once for the whole run)")
            if s in self.stream_nodes:  # the entry's body read again (it is also called or spawned)
                return []
            self.stream_nodes.add(s)
            return self.stream_creation(s)
        if isinstance(s, ast.Assign):
            d = self.stream_assign(s, sc)
            return [self.stmt(s, d if d is not None else self.assign(s, sc))]
        if isinstance(s, ast.AsyncFor):
            return [self.stream_for(s, sc)]
        if isinstance(s, ast.If):
            return [self.if_(s, sc)]
        if isinstance(s, ast.While):
            return [self.while_(s, sc)]
        if isinstance(s, (ast.Break, ast.Continue)):
            return [self.stmt(s, {"break" if isinstance(s, ast.Break) else "continue": None})]
        if isinstance(s, ast.Raise):
            return [self.raise_(s)]
        if isinstance(s, (ast.Try, getattr(ast, "TryStar", ast.Try))):
            return [self.try_(s, sc)]
        if isinstance(s, ast.Return):
            if isinstance(s.value, ast.Name):
                return [self.stmt(s, {"return_value": sc.value_name(s.value, self)})]
            return [self.stmt(s, {"return": None if s.value is None else self.literal_value(s.value)})]
        if isinstance(s, ast.For):
            return [self.for_(s, sc)]
        if isinstance(s, ast.With):
            return self.with_(s, s.items, sc)
        if isinstance(s, ast.AsyncWith):
            return self.async_with(s, s.items, sc)
        raise Unsupported(s, f"{describe(s)} is not supported")

    def literal_value(self, node):
        """A JSON literal: a constant, or a list or dict of them (a tuple prints otherwise)."""
        if isinstance(node, ast.Name):
            raise Unsupported(node, f"{describe(node)} as a value is not supported here (only a literal)")
        return self.value(node, None)

    def callee(self, e, sc, what):
        """A function named by e: a module-level def."""
        if not isinstance(e, ast.Name) or e.id not in self.funcs:
            raise Unsupported(e, f"{describe(e)} as the function to {what} is not supported (only the name of "
                                 "a function defined in the file)")
        self.referenced.add(e.id)
        return self.funcs[e.id]

    def await_call(self, call, sc):
        d = self.native_await(call, sc)
        if d is not None:
            return d
        obj = sc.lookup(call, self) if isinstance(call, ast.Name) else None
        if obj and obj[0] == "task":  # await handle
            return {"await_task": obj[1]}
        if not isinstance(call, ast.Call):
            raise Unsupported(call, f"awaiting {describe(call)} is not supported")
        q = self.qual(call.func)
        if q in CHECKPOINTS:
            self.no_args(call)
            return {CHECKPOINTS[q]: None}
        if q in ("anyio.sleep", "anyio.sleep_until"):
            if len(call.args) != 1 or call.keywords:
                raise Unsupported(call, f"{q}() other than with one number is not supported")
            if q == "anyio.sleep" and self.is_param(call.args[0], sc):
                return {"sleep": {"name": call.args[0].id}}  # a number parameter
            return {q[6:]: number(call.args[0], "duration" if q == "anyio.sleep" else "time")}
        if q == "anyio.to_thread.run_sync":
            return self.to_thread(call, sc)
        d = self.stream_await(call, sc) or self.portal_await(call, sc)
        if d is not None:
            return d
        d = self.agen_await(call, sc)
        if d is not None:
            return d
        m = self.method(call, sc)
        if m and m[0] == "tg" and m[2] == "start":
            return self.spawn("start", call, m[1], sc)
        if m and m[0] == "event" and m[2] == "wait":
            self.no_args(call)
            return {"wait": m[1]}
        if m and m[0] == "condition" and m[2] == "wait":
            self.no_args(call)
            return {"condition_wait": m[1]}
        if m and m[0] in ("lock", "semaphore", "limiter") and m[2] in ("acquire", "acquire_on_behalf_of"):
            return self.sync_call(call, m, "acquire")
        if m and m[0] == "condition" and m[2] == "acquire":  # a Condition's own (its lock)
            return self.sync_call(call, m, "acquire")
        if isinstance(call.func, ast.Name) and call.func.id in self.funcs:
            f = self.callee(call.func, sc, "await")
            if not f.is_async:
                raise Unsupported(call, f"awaiting the plain function {f.name!r} is not supported")
            return self.with_args({"call": f.name}, f, call, call.args, sc)
        raise Unsupported(call, f"awaiting {describe(call)} is not supported")

    def agen_await(self, call, sc):
        """await anext(g) / g.asend(None) / g.aclose() on a generator object g = gen(...) of this
        function (issue 19), or None."""
        if isinstance(call.func, ast.Name) and call.func.id == "anext" and "anext" not in self.funcs:
            obj = sc.lookup(call.args[0], self) if len(call.args) == 1 and not call.keywords else None
            if not obj or obj[0] != "agen":
                raise Unsupported(call, "anext() other than of one generator object (g = gen(...)) of this "
                                        "function is not supported")
            return {"anext": obj[1]}
        obj = sc.lookup(call.func.value, self) if isinstance(call.func, ast.Attribute) else None
        if not obj or obj[0] != "agen":
            return None
        m = call.func.attr
        if m == "asend" and len(call.args) == 1 and not call.keywords and isinstance(call.args[0], ast.Constant) \
                and call.args[0].value is None:
            return {"anext": obj[1]}
        if m == "aclose":
            self.no_args(call)
            return {"aclose": obj[1]}
        raise Unsupported(call, f"{dotted_text(call.func)}() is not supported (anext(g), g.asend(None) and "
                                "g.aclose() are)")

    def with_args(self, d, f, call, args, sc):
        """d with the arguments of a call of f (positional only, as many as its parameters)."""
        if call.keywords and "call" in d:
            raise Unsupported(call.keywords[0].value, "keyword arguments in a call are not supported")
        if len(args) != len(f.params):
            raise Unsupported(call, f"{f.name}() takes {len(f.params)} argument{'s' if len(f.params) != 1 else ''}, "
                                    f"{len(args)} given")
        if args:
            d["args"] = [self.value(a, sc) for a in args]
        return d

    def value(self, node, sc, what="value"):
        """A value in args / print / an assignment: a literal, or {"name": NAME} of a
        named value, a caught exception or a module-level Event/Lock/Semaphore/CapacityLimiter."""
        if isinstance(node, ast.Name):
            if node.id not in sc.values and node.id not in sc.excs and node.id in self.resources:
                return {"name": self.resources[node.id][1]}
            return {"name": sc.value_name(node, self, excs=True)}
        if isinstance(node, ast.Starred):
            raise Unsupported(node, f"*{describe(node.value)} as a {what} is not supported")
        if isinstance(node, (ast.List, ast.Dict)):
            try:
                v = ast.literal_eval(node)
                json.dumps(v, allow_nan=False)
                if isinstance(v, dict) and not all(isinstance(k, str) for k in v):
                    raise ValueError
            except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError):
                raise Unsupported(node, f"{describe(node)} as a {what} is not supported (only literals)")
            return v
        if isinstance(node, ast.Tuple):
            raise Unsupported(node, f"a tuple as a {what} is not supported (a list is)")
        return literal(node, what)

    def is_param(self, node, sc):
        """A parameter of the function (a duration may be one)."""
        return isinstance(node, ast.Name) and node.id in sc.func.params

    def no_args(self, call):
        if call.args or call.keywords:
            raise Unsupported(call, f"arguments to {dotted_text(call.func)}() are not supported")

    def sync_options(self, call, allowed):
        """Lock / Semaphore keyword options as literals: fast_acquire (bool), max_value (int or None)."""
        opts = {}
        for k in call.keywords:
            if k.arg not in allowed:
                raise Unsupported(call, f"{dotted_text(call.func)}(..., {k.arg}=...) is not supported")
            v = literal(k.value, k.arg)
            if k.arg == "fast_acquire" and not isinstance(v, bool):
                raise Unsupported(k.value, "fast_acquire other than True or False is not supported")
            if k.arg == "max_value" and v is not None and (isinstance(v, bool) or not isinstance(v, int)):
                raise Unsupported(k.value, "max_value other than an integer or None is not supported")
            opts[k.arg] = v
        return opts

    def sync_call(self, call, m, key):
        """lock/semaphore/limiter .acquire() (awaited), .acquire_nowait(), .release(), .statistics(),
        and a limiter's *_on_behalf_of(NAME) with a string as the borrower."""
        if m[2].endswith("on_behalf_of") or m[2].endswith("on_behalf_of_nowait"):
            if m[0] != "limiter" or len(call.args) != 1 or call.keywords:
                raise Unsupported(call, f"{m[2]}() other than on a CapacityLimiter with one borrower is not supported")
            b = literal(call.args[0], "borrower")
            if not isinstance(b, str):
                raise Unsupported(call.args[0], "a borrower other than a string is not supported")
            return {key: m[1], "on_behalf_of": b}
        self.no_args(call)
        return {key: m[1]}

    def method(self, call, sc):
        """(kind, scenario name, method) for obj.method(...) on a known object, else None."""
        f = call.func
        if not isinstance(f, ast.Attribute):
            return None
        obj = sc.lookup(f.value, self)
        return (obj[0], obj[1], f.attr) if obj else None

    def call(self, call, sc):
        q = self.qual(call.func)
        if q == "time.sleep":
            if len(call.args) != 1 or call.keywords:
                raise Unsupported(call, "time.sleep() other than with one number is not supported")
            d = number(call.args[0], "duration")
            if d < 0:
                raise Unsupported(call.args[0], "a negative time.sleep() is not supported")
            return {"busy": d}
        if q == "signal.raise_signal":  # Ctrl+C while this task's code runs (issue 26)
            if len(call.args) != 1 or call.keywords or self.qual(call.args[0]) != "signal.SIGINT":
                raise Unsupported(call, "signal.raise_signal() other than with signal.SIGINT is not supported")
            return {"interrupt": None}
        if isinstance(call.func, ast.Name) and call.func.id == "print" and "print" not in self.funcs:
            probe = self.native_probe(call, sc)
            if probe is None:
                probe = self.scope_probe(call, sc)
            if probe is not None:
                return probe
            if any(not self.is_literal(a) for a in call.args):
                self.print_text(call, check_only=True)
                return {"print": [self.value(a, sc, "print() argument") for a in call.args]}
            return {"log": self.print_text(call)}
        d = self.stream_call(call, sc)
        if d is not None:
            return d
        m = self.method(call, sc)
        if m and m[0] == "tg" and m[2] == "start_soon":
            return self.spawn("start_soon", call, m[1], sc)
        if m and m[0] == "tg" and m[2] == "create_task":
            return self.create_task(call, m[1], sc)[0]
        if m and m[0] == "task" and m[2] == "cancel":
            self.no_args(call)
            return {"cancel_task": m[1]}
        if m and m[0] in ("scope", "tg") and m[2] == "cancel":
            if call.keywords or len(call.args) > 1:
                raise Unsupported(call, "cancel() other than with one reason is not supported")
            d = {"cancel": m[1]}
            if call.args:
                r = literal(call.args[0], "reason")
                if not isinstance(r, str):
                    raise Unsupported(call.args[0], "a reason other than a string is not supported")
                d["reason"] = r
            return d
        if m and m[0] == "event" and m[2] == "set":
            self.no_args(call)
            return {"set": m[1]}
        if m and m[0] in ("lock", "semaphore", "limiter") and m[2] in SYNC_CALLS:
            return self.sync_call(call, m, SYNC_CALLS[m[2]])
        if m and m[0] == "condition" and m[2] in ("acquire_nowait", "release"):  # a Condition's own (its lock)
            return self.sync_call(call, m, m[2])
        if m and m[0] == "condition" and m[2] == "statistics":
            self.no_args(call)
            return {"statistics": m[1]}
        if m and m[0] == "condition" and m[2] == "notify_all":
            self.no_args(call)
            return {"notify_all": m[1]}
        if m and m[0] == "condition" and m[2] == "notify":
            if call.keywords or len(call.args) > 1:
                raise Unsupported(call, "notify() other than with one count is not supported")
            d = {"notify": m[1]}
            if call.args:
                n = literal(call.args[0], "count")
                if isinstance(n, bool) or not isinstance(n, int) or n < 0:
                    raise Unsupported(call.args[0], f"{n!r} as a count is not supported (an integer >= 0)")
                d["n"] = n
            return d
        if m and m[0] == "status" and m[2] == "started":
            if call.keywords or len(call.args) > 1:
                raise Unsupported(call, "started() other than with one value is not supported")
            return {"started": self.literal_value(call.args[0]) if call.args else None}
        if isinstance(call.func, ast.Name) and call.func.id in self.funcs:
            f = self.funcs[call.func.id]
            what = "calling the async function without await" if f.is_async else "calling a plain function " \
                "from async code"
            raise Unsupported(call, f"{what} ({f.name!r}) is not supported")
        raise Unsupported(call, f"{describe(call)} is not supported")

    def is_literal(self, node):
        try:
            literal(node)
            return True
        except Unsupported:
            return False

    def print_text(self, call, check_only=False):
        sep, end = " ", "\n"
        for k in call.keywords:
            if k.arg == "sep":
                sep = literal(k.value, "separator")
            elif k.arg == "end":
                end = literal(k.value, "line end")
            elif k.arg != "flush":
                raise Unsupported(k.value, f"print() with {k.arg}= is not supported")
        if not isinstance(sep, str) or not isinstance(end, str):
            raise Unsupported(call, "print() with a sep or end other than a string is not supported")
        if end != "\n":
            raise Unsupported(call, "print() with an end other than a newline is not supported")
        if check_only:
            if sep != " ":
                raise Unsupported(call, "print() of a name with a sep other than ' ' is not supported")
            return None
        parts = []
        for a in call.args:
            if isinstance(a, ast.Starred):
                raise Unsupported(a, "print(*...) is not supported")
            parts.append(str(literal(a, "print() argument")))
        return sep.join(parts)

    def spawn(self, kind, call, tg, sc):
        if not call.args:
            raise Unsupported(call, f"{kind}() without a function is not supported")
        f = self.callee(call.args[0], sc, kind)
        if not f.is_async:
            raise Unsupported(call.args[0], f"{kind}() of the plain function {f.name!r} is not supported")
        want, handle = f.name, False
        for k in call.keywords:
            if k.arg == "return_handle" and kind == "start":  # AnyIO 4.14: the TaskHandle instead of the value
                handle = literal(k.value, "return_handle")
                if not isinstance(handle, bool):
                    raise Unsupported(k.value, "return_handle other than True or False is not supported")
                continue
            if k.arg != "name":
                raise Unsupported(k.value, f"{kind}() with {k.arg}= is not supported")
            want = literal(k.value, "task name")
            if not isinstance(want, str):
                raise Unsupported(k.value, "a task name other than a string is not supported")
        if tg not in sc.open_tgs:
            raise Unsupported(call.func, f"{kind}() on a task group that is not open here is not supported")
        if len(call.args) - 1 != len(f.params):
            raise Unsupported(call, f"{f.name}() takes {len(f.params)} argument{'s' if len(f.params) != 1 else ''}, "
                                    f"{len(call.args) - 1} given")
        # the arguments are taken now, in the spawner; a create_task handle also gives what f returns
        # (await h, h.return_value), which a body calling f would not
        if f.params or kind == "create_task":
            d = {kind: self.fresh(want), "function": f.name, "args": [self.value(a, sc) for a in call.args[1:]]}
        else:
            d = {kind: self.fresh(want), "body": [self.stmt(call, {"call": f.name})]}
        if sc.open_tgs[-1] != tg:
            d["in"] = tg
        if handle:
            d["return_handle"] = True
        return d

    def create_task(self, call, tg, sc):
        """tg.create_task(f(args), name=...): (statement, task name)."""
        if len(call.args) != 1 or not isinstance(call.args[0], ast.Call):
            raise Unsupported(call, "create_task() other than of a call of an async function of the file is not "
                                    "supported")
        coro = call.args[0]
        if coro.keywords:
            raise Unsupported(coro.keywords[0].value, "keyword arguments in a call are not supported")
        f = self.callee(coro.func, sc, "create_task")
        if not f.is_async or f.has_status:
            raise Unsupported(coro, f"create_task() of {f.name!r} is not supported (an async def without "
                                    "task_status)")
        # the same shape as start_soon(f, *args, name=...)
        spawn = ast.Call(func=call.func, args=[coro.func] + list(coro.args), keywords=call.keywords)
        ast.copy_location(spawn, call)
        d = self.spawn("create_task", spawn, tg, sc)
        return d, d["create_task"]

    def assign(self, s, sc):
        if len(s.targets) == 1 and isinstance(s.targets[0], ast.Name):
            return self.bind_value(s.targets[0], s.value, sc)
        if len(s.targets) != 1 or not isinstance(s.targets[0], ast.Attribute):
            raise Unsupported(s, "assignment is not supported (only NAME = ..., scope.shield = ... or "
                                 "scope.deadline = ...)")
        t = s.targets[0]
        obj = sc.lookup(t.value, self)
        if obj and obj[0] == "limiter" and t.attr == "total_tokens":  # an integer >= 0 or math.inf (the loader checks)
            v = "inf" if self.qual(s.value) == "math.inf" else literal(s.value, "total_tokens")
            return {"set_total_tokens": obj[1], "value": v}
        if not obj or obj[0] not in ("scope", "tg") or t.attr not in ("shield", "deadline"):
            raise Unsupported(t, f"assignment to {dotted_text(t)} is not supported")
        if t.attr == "shield":
            v = literal(s.value, "shield")
            if not isinstance(v, bool):
                raise Unsupported(s.value, "a shield other than True or False is not supported")
            return {"set_shield": obj[1], "value": v}
        return {"set_deadline": obj[1], "value": number(s.value, "deadline")}

    def bind_value(self, target, v, sc):
        """NAME = await f(...) / await tg.start(...) / await to_thread.run_sync(...) / a literal / a name."""
        name = target.id
        if name in sc.names or name in sc.excs or (name == "task_status" and sc.func.has_status):
            raise Unsupported(target, f"rebinding {name!r} is not supported")
        m = self.method(v, sc) if isinstance(v, ast.Call) else None
        if m and m[0] == "tg" and m[2] == "create_task":  # a task handle, not a value
            if name in sc.values:
                raise Unsupported(target, f"rebinding {name!r} is not supported")
            d, task = self.create_task(v, m[1], sc)
            sc.names[name] = ("task", task)
            return d
        if isinstance(v, ast.Attribute) and v.attr == "return_value":  # handle.return_value, no await
            obj = sc.lookup(v.value, self)
            if not obj or obj[0] != "task":
                raise Unsupported(v, f"{describe(v)} is not supported (only a task handle's return_value)")
            sc.values.add(name)
            return {"task_return_value": obj[1], "as": name}
        if isinstance(v, ast.Call) and isinstance(v.func, ast.Name) and v.func.id in self.funcs and \
                self.funcs[v.func.id].is_gen and not self.funcs[v.func.id].is_cm:  # g = gen(...) (issue 19)
            if name in sc.values:
                raise Unsupported(target, f"rebinding {name!r} is not supported")
            f = self.callee(v.func, sc, "iterate")
            sc.names[name] = ("agen", self.fresh(name))
            d = self.with_args({"agen": f.name}, f, v, v.args, sc)
            d["as"] = sc.names[name][1]
            return d
        if isinstance(v, ast.Await):
            d = self.await_call(v.value, sc)
            if d.get("return_handle"):  # srv = await tg.start(f, return_handle=True): a TaskHandle
                if name in sc.values:
                    raise Unsupported(target, f"rebinding {name!r} is not supported")
                d = self.function_form(d, "start")
                sc.names[name] = ("task", d["start"])
                self.start_handles[d["start"]] = d
                return d
            if not any(k in d for k in ("call", "start", "to_thread", "await_task", "anext")):
                raise Unsupported(v, f"assigning what {describe(v)} returns is not supported (only a function "
                                     "of the file, tg.start() or to_thread.run_sync())")
            d["as"] = name
        else:
            d = {"let": name, "value": self.value(v, sc)}
        sc.values.add(name)
        return d

    # -- control flow ---------------------------------------------------------------
    CMP = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}
    FLIP = {"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}

    def condition(self, t, sc):
        self.native_condition(t, sc)
        if isinstance(t, ast.UnaryOp) and isinstance(t.op, ast.Not):
            return {"not": self.condition(t.operand, sc)}
        if isinstance(t, ast.Attribute) and t.attr in ("cancelled_caught", "cancel_called"):
            obj = sc.lookup(t.value, self)
            if obj and obj[0] in ("scope", "tg"):
                return {t.attr: obj[1]}
        if isinstance(t, ast.Name) and t.id not in self.resources:
            return {"value": sc.value_name(t, self)}
        if isinstance(t, ast.Compare) and len(t.ops) == 1:
            left, op, right = t.left, t.ops[0], t.comparators[0]
            if isinstance(op, (ast.Is, ast.IsNot)):
                if not (isinstance(right, ast.Constant) and right.value is None):
                    raise Unsupported(t, "'is' other than 'is None' / 'is not None' is not supported")
                op = ast.Eq() if isinstance(op, ast.Is) else ast.NotEq()
            sym = self.CMP.get(type(op))
            st = self.task_status(left, right, sc) if sym in ("==", "!=") else None
            if st:
                return st if sym == "==" else {"not": st}
            if sym:
                if isinstance(left, ast.Attribute) and left.attr == "args" and isinstance(left.value, ast.Name) \
                        and left.value.id in sc.excs and sym in ("==", "!="):
                    if not isinstance(right, ast.Tuple):
                        raise Unsupported(right, "exc.args compared with other than a tuple of literals is not "
                                                 "supported")
                    return {"exc_args": left.value.id, "op": sym, "to": [literal(e) for e in right.elts]}
                if not isinstance(left, ast.Name) and isinstance(right, ast.Name):
                    left, right, sym = right, left, self.FLIP[sym]
                if isinstance(left, ast.Name):
                    return {"value": sc.value_name(left, self), "op": sym, "to": literal(right, "comparison value")}
        raise Unsupported(t, f"{describe(t)} as a condition is not supported (only scope.cancelled_caught, "
                             "scope.cancel_called, a name, a comparison of a name with a literal, exc.args == (...), "
                             "and not)")

    def task_status(self, left, right, sc):
        """handle.status == anyio.TaskHandle.Status.X (either side): {"task_status": ..., "is": ...}."""
        for a, b in ((left, right), (right, left)):
            if isinstance(a, ast.Attribute) and a.attr == "status":
                obj = sc.lookup(a.value, self)
                q = self.qual(b) or ""
                if obj and obj[0] == "task" and q.startswith("anyio.TaskHandle.Status.") and \
                        q.rsplit(".", 1)[1] in ("PENDING", "CANCELLING", "FINISHED", "CANCELLED", "FAILED"):
                    return {"task_status": obj[1], "is": q.rsplit(".", 1)[1].lower()}
        return None

    def if_(self, s, sc):
        d = {"if": self.condition(s.test, sc), "then": self.body(s.body, sc)}
        if s.orelse:
            d["else"] = self.body(s.orelse, sc)
        return self.stmt(s, d)

    def while_(self, s, sc):
        if not (isinstance(s.test, ast.Constant) and s.test.value is True) or s.orelse:
            raise Unsupported(s, "'while' loop other than 'while True:' is not supported")
        return self.stmt(s, {"loop": self.body(s.body, sc)})

    def exc_class(self, e, what="an exception class"):
        name = e.id if isinstance(e, ast.Name) else None
        q = self.qual(e)
        if q and q.startswith("anyio.") and q[6:] in ANYIO_CLASSES:
            return q[6:]
        if q == "asyncio.TimeoutError":  # the built-in TimeoutError since Python 3.11
            return "TimeoutError"
        if q == "concurrent.futures.CancelledError":  # what a portal call or future raises when cancelled
            return q
        if name and (name in BUILTIN_CLASSES or name in self.classes) and name not in self.alias:
            return name
        if name == "StopAsyncIteration" and name not in self.alias:  # the loader adds it with agen (issue 19)
            return name
        raise Unsupported(e, f"{describe(e)} as {what} is not supported (a built-in exception or a class "
                             "defined earlier in the file)")

    def raise_(self, s):
        if s.cause is not None:
            raise Unsupported(s.cause, "'raise ... from' is not supported")
        if s.exc is None:
            return self.stmt(s, {"reraise": None})
        e, msg = s.exc, None
        cls = self.exc_class(e.func if isinstance(e, ast.Call) else e)
        if cls in GROUPS and isinstance(e, ast.Call):  # raise ExceptionGroup("m", [...]) (handles_scopes.py)
            return self.stmt(s, self.group_raise(e, cls))
        if cls in GROUPS or self.base_of(cls) in GROUPS:
            raise Unsupported(e, f"raising {cls} is not supported")
        if isinstance(e, ast.Call):
            if e.keywords or len(e.args) > 1:
                raise Unsupported(e, "an exception with arguments other than one message is not supported")
            if e.args:
                msg = literal(e.args[0], "message")
                if not isinstance(msg, str):
                    raise Unsupported(e.args[0], "a message other than a string is not supported")
        d = {"raise": cls}
        if msg is not None:
            d["message"] = msg
        return self.stmt(s, d)

    def base_of(self, cls):
        seen = 0
        while cls in self.classes and seen < 1000:
            cls, seen = self.classes[cls], seen + 1
        return cls

    def handler_match(self, h):
        t = h.type
        if t is None:
            return None
        items = t.elts if isinstance(t, ast.Tuple) else [t]
        out = []
        for e in items:
            if isinstance(e, ast.Call) and self.qual(e.func) == "anyio.get_cancelled_exc_class":
                self.no_args(e)
                out.append("Cancelled")
            elif self.qual(e) == "asyncio.CancelledError":  # the cancellation class on asyncio only
                self.native(e, "except asyncio.CancelledError")
                out.append("Cancelled")
            else:
                out.append(self.exc_class(e))
        return out[0] if len(out) == 1 and not isinstance(t, ast.Tuple) else out

    def try_(self, s, sc):
        star = type(s).__name__ == "TryStar"
        d = {"try": self.body(s.body, sc)}
        handlers = []
        for h in s.handlers:
            m = self.handler_match(h)
            hd = {} if m is None else {"match": m}
            hsc = sc.handler()
            if h.name:
                if star:
                    raise Unsupported(h, "'except* ... as' is not supported")
                hd["as"] = h.name
                hsc.excs.add(h.name)
            hd["body"] = self.body(h.body, hsc)
            sc.adopt_values(hsc)
            handlers.append(hd)
        if handlers:
            d["except*" if star else "except"] = handlers
        if s.orelse:
            d["else"] = self.body(s.orelse, sc)
        if s.finalbody:
            d["finally"] = self.body(s.finalbody, sc)
        return self.stmt(s, d)

    def for_(self, s, sc):
        it = s.iter
        ok = isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.func.id == "range" and \
            len(it.args) == 1 and not it.keywords and isinstance(s.target, ast.Name) and not s.orelse
        if not ok:
            raise Unsupported(s, "'for' loop other than 'for _ in range(n):' is not supported")
        n = literal(it.args[0], "count")
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise Unsupported(it.args[0], f"{n!r} as a count is not supported (an integer >= 0)")
        return self.stmt(s, {"repeat": n, "body": self.body(s.body, sc)})

    def with_(self, s, items, sc):
        item, rest = items[0], items[1:]
        e = item.context_expr
        r = self.stream_with(s, item, (lambda inner: self.with_(s, rest, inner)) if rest else
                             (lambda inner: self.body(s.body, inner)), sc, s if items is s.items else e)
        if r is not None:
            return r
        r = self.object_with(s, item, rest, sc, s if items is s.items else e, is_async=False)
        if r is not None:
            return r
        q = self.qual(e.func) if isinstance(e, ast.Call) else None
        if q not in ("anyio.move_on_after", "anyio.fail_after", "anyio.CancelScope"):
            raise Unsupported(e, f"'with' of {describe(e)} is not supported")
        var = self.target(item)
        kw = {k.arg: k.value for k in e.keywords}
        if q == "anyio.CancelScope":
            if e.args or set(kw) - {"shield", "deadline"}:
                raise Unsupported(e, "CancelScope() with arguments other than shield= and deadline= is not "
                                     "supported")
            d = {"cancel_scope": self.fresh(var or "scope")}
            if "deadline" in kw:
                d["deadline"] = number(kw["deadline"], "deadline")
        else:
            args = list(e.args)
            if "delay" in kw:
                args.append(kw.pop("delay"))
            if len(args) != 1 or set(kw) - {"shield"}:
                raise Unsupported(e, f"{q[6:]}() other than with a delay and shield= is not supported")
            if self.is_param(args[0], sc):
                d = {q[6:]: {"name": args[0].id}}  # a number parameter
            else:
                delay = literal(args[0], "delay")
                d = {q[6:]: None if delay is None else number(args[0], "delay")}
            if var:
                d["id"] = self.fresh(var)
        name = d.get("cancel_scope") or d.get("id")
        if "shield" in kw:
            v = literal(kw["shield"], "shield")
            if not isinstance(v, bool):
                raise Unsupported(kw["shield"], "a shield other than True or False is not supported")
            d["shield"] = v
        inner = sc.bind(var, ("scope", name)) if var else sc
        d["body"] = self.with_(s, rest, inner) if rest else self.body(s.body, inner)
        sc.adopt(inner)
        return [self.stmt(s if items is s.items else e, d)]

    def target(self, item):
        if item.optional_vars is None:
            return None
        if not isinstance(item.optional_vars, ast.Name):
            raise Unsupported(item.optional_vars, "a 'with ... as' target other than a name is not supported")
        return item.optional_vars.id

    def async_with(self, s, items, sc):
        item, rest = items[0], items[1:]
        e = item.context_expr
        var = self.target(item)
        cont = (lambda inner: self.async_with(s, rest, inner)) if rest else (lambda inner: self.body(s.body, inner))
        r = self.object_with(s, item, rest, sc, s if items is s.items else e, is_async=True)
        if r is not None:
            return r
        if isinstance(e, ast.Call) and self.qual(e.func) == "anyio.create_task_group":
            self.no_args(e)
            name = self.fresh(var or "tg")
            inner = sc.bind(var, ("tg", name)) if var else sc.copy()
            inner.open_tgs = sc.open_tgs + [name]
            d = {"task_group": name, "body": cont(inner)}
            inner.open_tgs = sc.open_tgs
            sc.adopt(inner)
            return [self.stmt(s if items is s.items else e, d)]
        r = self.stream_with(s, item, cont, sc, s if items is s.items else e)
        if r is not None:
            return r
        r = self.native_async_with(item, var, cont, sc, s if items is s.items else e)
        if r is not None:
            return r
        r = self.generator_with(s, item, var, cont, sc, s if items is s.items else e)
        if r is None:
            r = self.portal_async_with(item, var, cont, sc, s if items is s.items else e)
        if r is not None:
            return r
        r = self.resources.get(e.id) if isinstance(e, ast.Name) else None
        if isinstance(e, ast.Name) and sc.names.get(e.id, ("",))[0] == "limiter":  # lim = current_default_...()
            r = sc.names[e.id]
        if r and r[0] in WITH_RESOURCE:
            if var:
                raise Unsupported(item.optional_vars, "'async with ... as' of a lock, semaphore or limiter is not "
                                                      "supported")
            return [self.stmt(s if items is s.items else e, {WITH_RESOURCE[r[0]]: r[1], "body": cont(sc)})]
        raise Unsupported(e, f"'async with' of {describe(e)} is not supported")

    # -- async generators (issue 19) ---------------------------------------------------
    # async with cm(...) as v: (cm an @asynccontextmanager of the file) and
    # async with aclosing(gen(...)) as g: async for v in g: ... (the block's only statement)
    def generator_with(self, s, item, var, cont, sc, node):
        e = item.context_expr
        if not isinstance(e, ast.Call):
            return None
        if isinstance(e.func, ast.Name) and e.func.id in self.funcs and self.funcs[e.func.id].is_cm:
            f = self.callee(e.func, sc, "enter")
            inner = sc.copy()
            if var:
                inner.values.add(var)
            d = self.with_args({"async_with": f.name}, f, e, e.args, sc)
            if var:
                d["as"] = var
            d["body"] = cont(inner)
            sc.adopt_values(inner)
            return [self.stmt(node, d)]
        if self.qual(e.func) != "contextlib.aclosing":
            return None
        g = e.args[0] if len(e.args) == 1 and not e.keywords else None
        if not (isinstance(g, ast.Call) and isinstance(g.func, ast.Name) and g.func.id in self.funcs and
                self.funcs[g.func.id].is_gen and not self.funcs[g.func.id].is_cm):
            raise Unsupported(e, "aclosing() other than of a call of an async generator function of the file "
                                 "is not supported")
        loop = s.body[0] if len(s.body) == 1 and s is node else None
        if not (var and isinstance(loop, ast.AsyncFor) and isinstance(loop.iter, ast.Name) and loop.iter.id == var
                and isinstance(loop.target, ast.Name) and not loop.orelse):
            raise Unsupported(s, "'async with aclosing(gen()) as g:' is supported only around one "
                                 "'async for NAME in g:' loop (without else)")
        f = self.callee(g.func, sc, "iterate")
        d = self.with_args({"aclosing": f.name}, f, g, g.args, sc)
        d["as"] = loop.target.id
        sc.values.add(loop.target.id)
        d["body"] = self.body(loop.body, sc)
        return [self.stmt(node, d)]

    # -- memory object streams ------------------------------------------------------------
    # tx, rx = anyio.create_memory_object_stream(5) (also [T](...), max_buffer_size=, math.inf);
    # await tx.send(1) / tx.send_nowait(1); item = await rx.receive() / rx.receive_nowait()
    # (the name is not usable afterwards); async for item in rx; async with tx / with rx;
    # tx.close() / await tx.aclose() / rx2 = rx.clone() / tx.statistics().  A stream is
    # created once for the whole run (the scenario declares it), so its creation is accepted
    # at module level or as a statement of the entry function's own body, not in a loop, a
    # block or another function, where Python would make a new one each time.
    # -- creation -------------------------------------------------------------------
    def is_stream_creation(self, node):
        v = node.value
        if not isinstance(v, ast.Call):
            return False
        f = v.func.value if isinstance(v.func, ast.Subscript) else v.func  # create_memory_object_stream[int](...)
        return self.qual(f) == "anyio.create_memory_object_stream"

    def stream_creation(self, node):
        call = node.value
        t = node.targets[0] if len(node.targets) == 1 else None
        if not (isinstance(t, (ast.Tuple, ast.List)) and len(t.elts) == 2 and
                all(isinstance(e, ast.Name) for e in t.elts)):
            raise Unsupported(node, "create_memory_object_stream() other than assigned to two names "
                                    "(tx, rx = ...) is not supported")
        args = list(call.args)
        for k in call.keywords:
            if k.arg == "max_buffer_size" and not args:
                args.append(k.value)
            else:
                raise Unsupported(k.value, f"create_memory_object_stream() with {k.arg}= is not supported")
        if len(args) > 1:
            raise Unsupported(call, "create_memory_object_stream() with more than max_buffer_size is not supported")
        size = 0
        if args:
            a = args[0]
            if self.qual(a) == "math.inf":
                size = "inf"
            else:
                size = literal(a, "max_buffer_size")
                if isinstance(size, bool) or not isinstance(size, int) or size < 0:
                    raise Unsupported(a, f"max_buffer_size {size!r} is not supported (an integer >= 0 or "
                                         "math.inf; AnyIO raises ValueError)")
        names = []
        for e, kind in zip(t.elts, STREAM_KINDS):
            if e.id in self.resources:
                raise Unsupported(e, f"rebinding {e.id!r} is not supported")
            sname = self.fresh(e.id)
            self.resources[e.id] = (kind, sname, None)
            names.append(sname)
        decl = {"send": names[0], "receive": names[1]}
        if size != 0:
            decl["max_buffer_size"] = size
        self.streams.append(decl)
        return []

    # -- statements -------------------------------------------------------------------
    def stream_end(self, e, sc):
        """(kind, scenario name) of a stream end an expression names, or None."""
        obj = sc.lookup(e, self)
        return obj if obj and obj[0] in STREAM_KINDS else None

    def stream_assign(self, s, sc):
        """NAME = await rx.receive() / rx.receive_nowait() / end.clone(), or None."""
        if len(s.targets) != 1 or not isinstance(s.targets[0], ast.Name):
            return None
        v = s.value.value if isinstance(s.value, ast.Await) else s.value
        if not (isinstance(v, ast.Call) and isinstance(v.func, ast.Attribute)):
            return None
        end = self.stream_end(v.func.value, sc)
        if not end:
            return None
        name, m = s.targets[0].id, v.func.attr
        if m == "clone" and not isinstance(s.value, ast.Await):
            self.no_args(v)
            if name in self.resources:
                raise Unsupported(s.targets[0], f"rebinding {name!r} is not supported")
            sname = self.fresh(name)
            self.resources[name] = (end[0], sname, None)
            return {"clone": end[1], "as": sname}
        if m in ("receive", "receive_nowait") and isinstance(s.value, ast.Await) == (m == "receive"):
            return self.stream_method(v, end, m)
        return None

    def stream_method(self, call, end, m, awaited=None):
        """A stream end's method as a statement; awaited: whether it was awaited (None: as given)."""
        kind, name = end
        if m in ("send", "send_nowait"):
            if kind != "send_end":
                raise Unsupported(call, f"{m}() on a receive stream is not supported (it has no {m})")
            if len(call.args) != 1 or call.keywords:
                raise Unsupported(call, f"{m}() other than with one item is not supported")
            return {m: name, "item": self.literal_value(call.args[0])}
        self.no_args(call)
        if m in ("receive", "receive_nowait"):
            if kind != "receive_end":
                raise Unsupported(call, f"{m}() on a send stream is not supported (it has no {m})")
            return {m: name}
        if m in ("close", "aclose", "statistics"):
            return {m: name}
        if m == "clone":
            raise Unsupported(call, "clone() other than assigned to a name (rx2 = rx.clone()) is not supported")
        raise Unsupported(call, f"{dotted_text(call.func)}() is not supported")

    def stream_await(self, call, sc):
        """await end.send(...) / receive() / aclose(), or None."""
        if not isinstance(call.func, ast.Attribute):
            return None
        end = self.stream_end(call.func.value, sc)
        if not end:
            return None
        if call.func.attr not in ("send", "receive", "aclose"):
            raise Unsupported(call, f"awaiting {describe(call)} is not supported")
        return self.stream_method(call, end, call.func.attr)

    def stream_call(self, call, sc):
        """end.send_nowait(...) / receive_nowait() / close() / statistics(), or None."""
        if not isinstance(call.func, ast.Attribute):
            return None
        end = self.stream_end(call.func.value, sc)
        if not end:
            return None
        if call.func.attr not in ("send_nowait", "receive_nowait", "close", "statistics", "clone"):
            raise Unsupported(call, f"{describe(call)} without await is not supported")
        return self.stream_method(call, end, call.func.attr)

    def stream_for(self, s, sc):
        end = self.stream_end(s.iter, sc)
        if not end or end[0] != "receive_end":
            raise Unsupported(s.iter, f"'async for' over {describe(s.iter)} is not supported (only a receive stream)")
        if s.orelse:
            raise Unsupported(s, "'async for' with 'else' is not supported")
        if not isinstance(s.target, ast.Name):
            raise Unsupported(s.target, "an 'async for' target other than a name is not supported")
        return self.stmt(s, {"async_for": end[1], "body": self.body(s.body, sc)})

    def stream_with(self, s, item, cont, sc, node):
        """async with end: / with end:, or None when item is no stream end."""
        end = self.stream_end(item.context_expr, sc)
        if not end:
            return None
        if item.optional_vars is not None:
            raise Unsupported(item.optional_vars, "'with ... as' of a stream is not supported (use the stream's "
                                                  "own name)")
        return [self.stmt(node, {"with_stream": end[1], "body": cont(sc)})]


class Scope:
    """The Python names of one function: task groups, scopes, task_status."""

    def __init__(self, func):
        self.func = func
        self.names = {}
        self.open_tgs = []
        self.open_atgs = []  # the asyncio.TaskGroup blocks open here, innermost last (native_asyncio.py)
        self.in_handler = False
        self.values = set(func.params)  # named values: parameters, assignments (shared by the function)
        self.excs = set()  # exceptions bound by the enclosing handlers (except X as NAME)

    def copy(self):
        c = Scope(self.func)
        c.names = dict(self.names)
        c.open_tgs = list(self.open_tgs)
        c.open_atgs = list(self.open_atgs)
        c.in_handler = self.in_handler
        c.values = self.values  # one function: assignments anywhere in it are its names
        c.excs = set(self.excs)
        return c

    def adopt_values(self, inner):
        self.values |= inner.values

    def value_name(self, e, tr, excs=False):
        """The name of a value the expression reads (the loader checks it is bound)."""
        if not isinstance(e, ast.Name):
            raise Unsupported(e, f"{describe(e)} as a value is not supported (only a name or a literal)")
        if e.id in self.excs and not excs:
            raise Unsupported(e, f"the exception {e.id!r} here is not supported (only print({e.id}) and "
                                 f"{e.id}.args == (...))")
        if e.id in self.names or (e.id == "task_status" and self.func.has_status):
            raise Unsupported(e, f"{e.id!r} as a value is not supported")
        return e.id

    def bind(self, var, obj):
        c = self.copy()
        c.names[var] = obj
        return c

    def adopt(self, inner):
        """A name bound by 'with ... as' stays bound after the block (Python)."""
        self.names.update(inner.names)

    def handler(self):
        c = self.copy()
        c.in_handler = True
        return c

    def lookup(self, e, tr):
        """(kind, scenario name) of the object an expression names."""
        if isinstance(e, ast.Call) and tr.qual(e.func) == DEFAULT_LIMITER and not e.args and not e.keywords:
            return ("limiter", "default")  # to_thread's default limiter (the scenario's "default")
        if isinstance(e, ast.Name):
            if e.id in self.names:
                return self.names[e.id]
            if e.id == "task_status" and self.func.has_status:
                return ("status", None)
            if e.id in self.func.params:  # a parameter: its kind comes from the calls (the loader checks)
                return ("event", e.id)
            r = tr.resources.get(e.id)
            if r and r[0] in ("event", "condition", "lock", "semaphore", "limiter") + STREAM_KINDS:
                return (r[0], r[1])
            return None
        if isinstance(e, ast.Attribute) and e.attr == "cancel_scope":
            obj = self.lookup(e.value, tr)
            if obj and obj[0] == "tg":
                return ("scope", obj[1])
        return None


def dumps(v, indent=0, width=110):
    """JSON with short containers on one line (statements stay readable)."""
    flat = json.dumps(v, ensure_ascii=False)
    if not isinstance(v, (dict, list)) or len(flat) + indent <= width or not v:
        return flat
    pad = " " * (indent + 2)
    if isinstance(v, list):
        return "[\n" + ",\n".join(pad + dumps(x, indent + 2, width) for x in v) + "\n" + " " * indent + "]"
    items = (pad + json.dumps(k, ensure_ascii=False) + ": " + dumps(x, indent + 2, width) for k, x in v.items())
    return "{\n" + ",\n".join(items) + "\n" + " " * indent + "}"


def translate_source(source, filename, function=None):
    """The scenario (a dict) for source; raises Unsupported or SyntaxError."""
    tree = ast.parse(source, filename)
    return Translator(source, filename, function).scenario(tree)


def error_position(err, source):
    node = err.node
    if isinstance(node, tuple):
        return node
    line, off = getattr(node, "lineno", 1), getattr(node, "col_offset", 0)
    lines = source_lines(source)
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    return line, len(text.encode("utf-8")[:off].decode("utf-8", "replace")) + 1


def translate_file(path, function=None):
    """(scenario dict, None) or (None, 'PATH:LINE:COL: error: MESSAGE')."""
    try:
        with open(path, "rb") as f:
            raw = f.read(64 * 1024 * 1024 + 1)
    except OSError as e:
        return None, f"{path}: error: cannot read: {e.strerror}"
    if len(raw) > 64 * 1024 * 1024:
        return None, f"{path}: error: cannot read: larger than 67108864 bytes"
    try:
        source = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[:e.start].count(b"\n") + 1
        col = len(raw[:e.start].rsplit(b"\n", 1)[-1].decode("utf-8", "replace")) + 1
        return None, f"{path}:{line}:{col}: error: invalid UTF-8 (byte 0x{raw[e.start]:02x})"
    try:
        return translate_source(source, path, function), None
    except SyntaxError as e:
        return None, f"{path}:{e.lineno or 1}:{e.offset or 1}: error: {e.msg}"
    except (RecursionError, MemoryError):
        return None, f"{path}:1:1: error: the program is too deeply nested to translate"
    except ValueError as e:  # e.g. a NUL byte (Python 3.11; later versions raise SyntaxError)
        return None, f"{path}:1:1: error: {e}"
    except Unsupported as e:
        line, col = error_position(e, source)
        return None, f"{path}:{line}:{col}: error: {e.message}"


def main(argv):
    import argparse

    ap = argparse.ArgumentParser(prog="cancelsim translate", description="An AnyIO program as a scenario.")
    ap.add_argument("file")
    ap.add_argument("--function", default=None)
    ap.add_argument("-o", "--output", default=None)
    a = ap.parse_args(argv)
    doc, err = translate_file(a.file, a.function)
    if err:
        print(err, file=sys.stderr)
        return 2
    text = dumps(doc) + "\n"
    if a.output:
        try:
            with open(a.output, "w", encoding="utf-8") as f:
                f.write(text)
        except OSError as e:
            print(f"cancelsim translate: cannot write {a.output}: {e.strerror}", file=sys.stderr)
            return 2
    else:
        sys.stdout.write(text)
    return 0


def cli():
    """The cancelsim-translate console script."""
    sys.exit(main(sys.argv[1:]))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
