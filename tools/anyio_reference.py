#!/usr/bin/env python3
"""anyio_reference.py - run a cancelsim scenario on real AnyIO and print its
outcome (scenario-format.md section 4) as JSON.

    python3 tools/anyio_reference.py FILE.json [--backend asyncio|trio|both]

Needs AnyIO 4.14 or later importable (and Trio for --backend trio), e.g.
PYTHONPATH=/path/to/site.  The program runs in virtual time:

- asyncio: an event loop whose clock (loop.time()) starts at 0 and, whenever
  the loop would block, jumps straight to the next timer;
- Trio: trio.testing.MockClock(autojump_threshold=0), which does the same.

When every task waits and no timer is pending the run is a deadlock, reported
as cancelsim does: {"deadlock": {"waiting": {task: label}}}; more statements
than --step-limit (default 10,000,000, as cancelsim) stop it with
{"limit": "steps"}.  Where real AnyIO or Trio leave an order to memory
addresses or random numbers, the script takes the order cancelsim models (its
Trio seed 0): asyncio delivers a scope's cancellation to its tasks in order of
entry; Trio runs each batch FIFO, expires equal deadlines in registration
order and walks its cancel-status and event-waiter sets in insertion order.
Other schedules are real too; `cancelsim explore` lists them.

Only a subset of the format is supported, enough to cross-check the engine on
the core of structured concurrency: task groups, start_soon (with count),
sleep / sleep_until / sleep_forever, the three checkpoints, busy, raise,
reraise, return, log, probe, cancel_scope / move_on_after / fail_after /
move_on_at / fail_at with shields and deadlines (AnyIO has no move_on_at or
fail_at: the first is CancelScope(deadline=T), the second fail_after(None)
with the deadline set to T on entry, so that it raises TimeoutError), cancel,
set_shield, set_deadline, try / except / except* / else / finally, call, repeat, events
(wait / set), what tools/reference_ext/ adds (memory object streams, conditions, Ctrl+C), and to_thread with its thread steps (block, raise, return, log,
from_thread, check_cancelled), worker threads running in lock-step with the
loop and the virtual clock (ThreadSync; --threads also reports what each
thread did, after the run included).  A scenario that uses anything else is
refused before it runs, naming the statement, with exit status 3.
Exit status: 0 ran (whatever the scenario raised), 2 unreadable file or bad
arguments, 3 unsupported scenario or AnyIO missing.

The outcome is compared with cancelsim's by tests/t_reference.sh; see
tools/README.md.
"""
import argparse
import collections
import heapq
import itertools
import json
import math
import re
import selectors
import sys
import threading

import os

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reference_ext  # noqa: E402 - statements of further areas, one module each (reference_ext/__init__.py)
from reference_ext import dataflow  # noqa: E402 - named values: hooks in call, repeat, try, spawns, events

_thread_local = threading.local()  # worker thread: whether it is reporting its end

# ---------------------------------------------------------------------------
# The supported subset
# ---------------------------------------------------------------------------

ZERO_ARG = {"sleep_forever", "checkpoint", "checkpoint_if_cancelled", "cancel_shielded_checkpoint", "reraise"}
ACTIONS = {"sleep", "sleep_until", "busy", "raise", "return", "log", "probe", "task_group", "start_soon",
           "cancel_scope", "move_on_after", "fail_after", "move_on_at", "fail_at", "cancel", "set_shield",
           "set_deadline", "try", "call", "repeat", "wait", "set", "to_thread"} | set(reference_ext.ACTIONS)
ZERO_ARG |= reference_ext.ZERO_ARG
THREAD_STEPS = {"block", "raise", "return", "log", "from_thread", "check_cancelled"} | set(reference_ext.THREAD_STEPS)
ALL_ACTIONS = ACTIONS | THREAD_STEPS | {"start", "started", "create_task", "await_task", "cancel_task",
                                        "with_lock", "with_semaphore", "with_limiter"}
SCOPE_KINDS = {"cancel_scope": "cancel_scope", "move_on_after": "move_on", "fail_after": "fail_after",
               "move_on_at": "move_on", "fail_at": "fail_after"}


class Unsupported(Exception):
    """The scenario uses something this script does not model."""


def action_of(st):
    if isinstance(st, str):
        return st
    for k in st:
        if k in ALL_ACTIONS or (k in ZERO_ARG and st[k] is None):  # {"checkpoint": null, "pos": [...]}
            return k
    raise Unsupported(f"statement with no known action key: {json.dumps(st)}")


def sub_bodies(st):
    if isinstance(st, str):
        return []
    out = [st[k] for k in ("body", "else", "finally") if k in st]
    if "try" in st:
        out.append(st["try"])
    for h in st.get("except", []) + st.get("except*", []):
        out.append(h["body"])
    return out + reference_ext.sub_bodies(st)


def check_supported(doc):
    """Raises Unsupported naming the first statement outside the subset."""
    bodies = [doc.get("main", []), *map(dataflow.function_body, doc.get("functions", {}).values())]
    # a synchronous main and its start_blocking_portal bodies (reference_ext/sync_main.py)
    sync = [doc.get("sync_main", [])]
    while sync:
        steps = sync.pop()
        bodies.append([{"to_thread": steps}])
        sync += [s["body"] for s in steps if isinstance(s, dict) and "start_blocking_portal" in s]
    # the steps of threads AnyIO did not start (reference_ext/foreign.py), as a to_thread's
    bodies += [[{"to_thread": t["steps"]}] for t in doc.get("threads", {}).values()]
    while bodies:
        for st in bodies.pop():
            a = action_of(st)
            if a not in ZERO_ARG and a not in ACTIONS:
                raise Unsupported(f"statement '{a}' is not supported by this script")
            bodies.extend(sub_bodies(st))
            if a == "to_thread":  # thread steps; a from_thread body holds statements again
                for step in st["to_thread"]:
                    sa = action_of(step)
                    if sa not in THREAD_STEPS:
                        raise Unsupported(f"thread step '{sa}' is not supported by this script")
                    if sa == "from_thread":
                        bodies.append(step["from_thread"])


# ---------------------------------------------------------------------------
# Values as the outcome writes them
# ---------------------------------------------------------------------------

def jnum(x):
    """Infinite floats as strings, integral floats as integers (as cancelsim prints)."""
    if isinstance(x, float):
        if math.isinf(x):
            return "inf" if x > 0 else "-inf"
        if x.is_integer() and abs(x) < 2 ** 53:
            return int(x)
    return x


def num_in(v):
    """A time or deadline from the file ("inf" / "-inf" allowed)."""
    if v == "inf":
        return math.inf
    if v == "-inf":
        return -math.inf
    return v


_ASYNCIO_CANCEL = re.compile(r"^Cancelled via cancel scope [0-9a-f]+(?: by <.*?>)?(; reason: .*)?$", re.S)


_TRIO_TASK_REPR = re.compile(r"<Task ('(?:[^'\\]|\\.)*') at 0x[0-9a-f]+>")


def exc_message(e):
    """str(e), without the memory addresses real cancellation messages hold
    (and Trio task reprs, "<Task 'name' at 0x...>", written "<Task 'name'>")."""
    if type(e).__name__ == "Cancelled" and hasattr(e, "source"):
        reason = getattr(e, "reason", None)
        return f"cancelled due to {e.source}" + ("" if reason is None else f" with reason {reason!r}")
    m = _ASYNCIO_CANCEL.match(str(e))
    if m:
        return "Cancelled via cancel scope" + (m.group(1) or "")
    return _TRIO_TASK_REPR.sub(r"<Task \1>", str(e))


def exc_json(e):
    if isinstance(e, BaseExceptionGroup):
        return {"type": type(e).__name__, "message": e.message, "exceptions": [exc_json(x) for x in e.exceptions]}
    return {"type": type(e).__name__, "message": exc_message(e)}


# The uniform durations of scenario-format.md section 2.
M64 = (1 << 64) - 1


def fnv1a64(text):
    h = 0xCBF29CE484222325
    for b in text.encode("utf-8"):
        h = ((h ^ b) * 0x100000001B3) & M64
    return h


def splitmix64(z):
    z = (z + 0x9E3779B97F4A7C15) & M64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


def uniform_draw(task_name, k, lo, hi):
    u = (splitmix64(fnv1a64(task_name) ^ ((k * 0x9E3779B97F4A7C15) & M64)) >> 11) * 2.0 ** -53
    return round((lo + (hi - lo) * u) * 1e9) / 1e9  # round() ties to even, as nearbyint


# ---------------------------------------------------------------------------
# Virtual time
# ---------------------------------------------------------------------------

class Stop(BaseException):
    """The run is over for the outcome (a deadlock or a limit); whatever the
    program does while it is torn down is not part of it."""


class Deadlock(Stop):
    """Every task waits and no timer is pending."""


class StepLimit(Stop):
    """More statements ran than --step-limit allows."""


class ThreadStuck(Stop):
    """A worker thread did not reach its next blocking point in time."""


class Job:
    """One to_thread call: the program its worker thread runs, and how that
    thread ended (for --threads)."""

    def __init__(self, task, st, seq):
        self.task = task
        self.st = st
        self.seq = seq
        self.woken = False
        self.fut = None  # asyncio: the concurrent future of a from_thread call it waits on
        self.start = None
        self.end = None
        self.ended = None  # {"returned": v} / {"raised": exc}
        self.after_run = []  # what it did after anyio.run() returned


class ThreadSync:
    """Worker threads in lock-step with the event loop and the virtual clock.

    A thread released by the loop (dispatched by to_thread, woken when its
    virtual `block` ends, handed the result of a from_thread call) holds a
    permit until it reaches its next blocking point: a `block`, a from_thread
    call handed to the loop, or its end reported to the loop.  The loop thread
    calls sync() wherever it would go on (before each asyncio handle, after
    each Trio task step, before it idles), so a released thread runs alone, at
    the virtual instant it was released, before anything else happens.  A
    `block` parks the thread in `wakes` until the clock reaches its end; the
    loop's idle step jumps the clock to the earlier of its next timer and the
    next wake-up (the clock is the scenario's, so thread timings are exact)."""

    TIMEOUT = 20.0

    def __init__(self):
        self.cond = threading.Condition()
        self.permits = 0
        self.wakes = []  # heap of (virtual time, sequence, Job)
        self.seq = itertools.count()
        self.aborted = False

    def add_permit(self):
        with self.cond:
            self.permits += 1

    def consume(self):
        with self.cond:
            self.permits -= 1
            self.cond.notify_all()

    def sync(self):
        if not self.permits:
            return
        with self.cond:
            if not self.cond.wait_for(lambda: self.permits <= 0, self.TIMEOUT):
                self.permits = 0
                raise ThreadStuck()

    def next_wake(self):
        with self.cond:
            return self.wakes[0][0] if self.wakes else math.inf

    def release_due(self, now):
        """Releases, one at a time in (wake-up, block start) order, each
        thread whose block has ended by `now`."""
        while True:
            with self.cond:
                if not self.wakes or self.wakes[0][0] > now:
                    return
                job = heapq.heappop(self.wakes)[2]
                job.woken = True
                self.permits += 1
                self.cond.notify_all()
            self.sync()

    def block(self, job, until):
        """Worker thread: parks until the loop's clock reaches `until`."""
        with self.cond:
            heapq.heappush(self.wakes, (until, next(self.seq), job))
            job.woken = False
            self.permits -= 1
            self.cond.notify_all()
            self.cond.wait_for(lambda: job.woken or self.aborted)
            if self.aborted:
                raise Stop()

    def abort(self):
        """The run was given up (deadlock, limit): parked threads end."""
        with self.cond:
            self.aborted = True
            self.cond.notify_all()


class _JumpSelector(selectors.BaseSelector):
    """A selector that never reports I/O: a wait with a timeout jumps the
    loop's clock to its next timer; a wait without one is a deadlock."""

    def __init__(self):
        self._keys = {}
        self.loop = None

    @staticmethod
    def _fd(fileobj):
        return fileobj if isinstance(fileobj, int) else fileobj.fileno()

    def register(self, fileobj, events, data=None):
        key = selectors.SelectorKey(fileobj, self._fd(fileobj), events, data)
        self._keys[key.fd] = key
        return key

    def unregister(self, fileobj):
        return self._keys.pop(self._fd(fileobj))

    def get_map(self):
        return dict(self._keys)

    def select(self, timeout=None):
        loop = self.loop
        threads = loop.threads
        threads.sync()
        if timeout is not None and timeout <= 0 or loop._ready:
            return []
        # jump exactly to the timer or a thread's wake-up, not to now +
        # timeout (no rounding drift); sleep(inf) arms a timer at infinity,
        # one that never fires
        scheduled = loop._scheduled
        t = min(scheduled[0]._when if scheduled else math.inf, threads.next_wake())
        if loop.interp.next_interrupt() < math.inf and loop.interp.next_interrupt() <= t:
            # Ctrl+C while the loop waits (reference_ext/interrupt.py)
            loop.vt = max(loop.vt, loop.interp.next_interrupt())
            loop.interp.deliver_due(loop.vt)
            return []
        if t == math.inf:
            loop.on_deadlock()
        loop.vt = max(loop.vt, t)
        threads.release_due(loop.vt)
        return []

    def close(self):
        self._keys.clear()


def make_virtual_loop(interp):
    import asyncio

    class LockstepReady(collections.deque):
        """loop._ready: released worker threads run before the next handle."""

        def popleft(self):
            interp.threads.sync()
            return super().popleft()

    class VirtualLoop(asyncio.SelectorEventLoop):
        def __init__(self):
            self.vt = 0.0
            self.threads = interp.threads
            self.interp = interp
            sel = _JumpSelector()
            super().__init__(sel)
            sel.loop = self
            self._ready = LockstepReady(self._ready)
            self.set_exception_handler(self.quiet_shutdown)
            interp.loop = self

        @staticmethod
        def quiet_shutdown(loop, context):
            # the runner cancelling a from_thread call's task while it closes
            # is logged by asyncio; the outcome already says what happened
            if context.get("message") != "unhandled exception during asyncio.run() shutdown":
                loop.default_exception_handler(context)

        def time(self):
            return self.vt

        def call_soon_threadsafe(self, callback, *args, context=None):
            handle = super().call_soon_threadsafe(callback, *args, context=context)
            if getattr(_thread_local, "reporting", False):
                # a worker thread handing its result to the loop: it has ended
                _thread_local.reporting = False
                interp.threads.consume()
            return handle

        def on_deadlock(self):
            interp.on_deadlock()

    return VirtualLoop


def make_trio_clock(interp):
    """A clock that does what trio.testing.MockClock(autojump_threshold=0)
    does, and knows the worker threads: the run loop asks it how long to
    sleep exactly when no task is runnable; it then jumps to the earlier of
    the next deadline and the next thread wake-up, releases the threads due,
    and answers 0 (the run loop then polls for I/O: a thread's run_sync_soon
    wakes the loop there).  With nothing left to wait for, it is a deadlock.
    An instrument syncs with released threads after every task step."""
    import trio

    threads = interp.threads

    class VirtualClock(trio.abc.Clock):
        def __init__(self):
            self.t = 0.0

        def start_clock(self):
            pass

        def current_time(self):
            return self.t

        def deadline_to_sleep_time(self, deadline):
            threads.sync()
            if trio.lowlevel.current_statistics().run_sync_soon_queue_size:
                return 0.0
            t = min(deadline, threads.next_wake())
            if interp.next_interrupt() < math.inf and interp.next_interrupt() <= t:
                # Ctrl+C while the run loop waits (reference_ext/interrupt.py)
                self.t = max(self.t, interp.next_interrupt())
                interp.deliver_due(self.t)
                return 0.0
            if t == math.inf:
                interp.on_deadlock()
            self.t = max(self.t, t)
            threads.release_due(self.t)
            return 0.0

    class Lockstep(trio.abc.Instrument):
        def after_task_step(self, task):
            threads.sync()

    return VirtualClock(), Lockstep()


class _OrderedSet:
    """A set that iterates in insertion order (for AnyIO's scope task sets)."""

    def __init__(self, items=()):
        self._d = dict.fromkeys(items)

    def add(self, x):
        self._d[x] = None

    def remove(self, x):
        del self._d[x]

    def discard(self, x):
        self._d.pop(x, None)

    def __contains__(self, x):
        return x in self._d

    def __iter__(self):
        return iter(list(self._d))

    def __len__(self):
        return len(self._d)

    def clear(self):
        self._d.clear()


def patch_asyncio_sets():
    """Real AnyIO iterates CancelScope._tasks / _child_scopes, sets ordered by
    memory address; use the order of entry instead (cancelsim's rule)."""
    import anyio._backends._asyncio as backend

    orig = backend.CancelScope.__init__
    if getattr(orig, "_reference_patched", False):
        return

    def init(self, *args, **kwargs):
        orig(self, *args, **kwargs)
        self._tasks = _OrderedSet(self._tasks)
        self._child_scopes = _OrderedSet(self._child_scopes)

    init._reference_patched = True
    backend.CancelScope.__init__ = init


def patch_trio_order(order="fifo", seed=0):
    """Make Trio's choices the canonical ones cancelsim's seed 0 models (order
    'lifo' runs every batch reversed instead, 'random' reverses each batch at
    random as real Trio does, from `seed`: other real schedules, the oracle's
    --trio-order; the other choices stay canonical): each
    batch of runnable tasks runs FIFO (Trio reverses a batch at random), equal
    deadlines expire in registration order (Trio breaks ties by id()), and
    the sets Trio iterates to deliver cancellations or wake event waiters do
    so in insertion order (Trio's sets iterate by hash)."""
    import itertools
    import random
    from heapq import heappush

    import trio._core._run as run
    import trio._sync as sync

    class Order(random.Random):
        def random(self):
            if order == "fifo":
                return 0.0  # < 0.5: the batch is reversed, then popped from the end: FIFO
            if order == "lifo":
                return 0.75
            return super().random()

    run._r = Order(seed)
    if getattr(run.Deadlines.add, "_reference_patched", False):
        return
    ticket = itertools.count()

    def add(self, deadline, cancel_scope):
        heappush(self._heap, (deadline, next(ticket), cancel_scope))
        self._active += 1

    status_init = run.CancelStatus.__init__

    def cancel_status_init(self, *args, **kwargs):
        status_init(self, *args, **kwargs)
        self._children = _OrderedSet(self._children)
        self._tasks = _OrderedSet(self._tasks)

    event_init = sync.Event.__init__

    def ev_init(self, *args, **kwargs):
        event_init(self, *args, **kwargs)
        self._tasks = _OrderedSet(self._tasks)

    add._reference_patched = True
    run.Deadlines.add = add
    run.CancelStatus.__init__ = cancel_status_init
    run.CancelStatus.children = property(lambda self: tuple(self._children))
    run.CancelStatus.tasks = property(lambda self: tuple(self._tasks))
    sync.Event.__init__ = ev_init


class _DispatchingLimiter:
    """asyncio: AnyIO's run_sync_in_worker_thread hands the job to a worker
    thread right after `async with limiter` is entered, in the same step, so
    entering it is where the loop learns that a thread is about to run."""

    def __init__(self, real, threads):
        self.real = real
        self.threads = threads

    async def __aenter__(self):
        await self.real.__aenter__()
        self.threads.add_permit()

    async def __aexit__(self, *exc_info):
        return await self.real.__aexit__(*exc_info)


def patch_asyncio_threads(interp):
    """A from_thread call hands a coroutine to the loop (the thread then
    waits); the loop releases the thread when the call's future completes."""
    import asyncio

    def run_coroutine_threadsafe(coro, loop):
        fut = _orig_rct(coro, loop)
        job = getattr(_thread_local, "job", None)
        if job is not None:
            job.fut = fut
            fut.add_done_callback(lambda _f: interp.threads.add_permit())
            interp.threads.consume()
        return fut

    asyncio.run_coroutine_threadsafe = run_coroutine_threadsafe  # AnyIO calls it through the module


def patch_trio_threads(interp):
    """trio.to_thread.run_sync starts the thread through start_thread_soon
    (released there; it ends when it has delivered its outcome), and a
    from_thread call waits on a queue that the loop fills (the thread blocks
    on get(); the loop's put releases it)."""
    import queue

    import trio._threads as threads_mod

    threads = interp.threads

    def start_thread_soon(fn, deliver, name=None):
        def deliver_then_block(result):
            try:
                deliver(result)
            finally:
                threads.consume()

        threads.add_permit()
        _orig_start_thread_soon(fn, deliver_then_block, name)

    class HandOver(queue.SimpleQueue):
        def put_nowait(self, item):  # the loop thread: the call is done
            threads.add_permit()
            super().put_nowait(item)

        def put(self, item, block=True, timeout=None):
            self.put_nowait(item)

        def get(self, block=True, timeout=None):  # the worker thread: now waiting
            threads.consume()
            return super().get(block, timeout)

    def send_message_to_trio(trio_token, message):
        if getattr(_thread_local, "job", None) is not None:
            object.__setattr__(message, "queue", HandOver())
        return _orig_send_message(trio_token, message)

    threads_mod.start_thread_soon = start_thread_soon
    threads_mod._send_message_to_trio = send_message_to_trio


_orig_rct = None
_orig_start_thread_soon = None
_orig_send_message = None


def save_originals():
    global _orig_rct, _orig_start_thread_soon, _orig_send_message
    if _orig_rct is None:
        import asyncio

        _orig_rct = asyncio.run_coroutine_threadsafe
    if _orig_start_thread_soon is None:
        try:
            import trio._threads as threads_mod
        except ImportError:
            return
        _orig_start_thread_soon = threads_mod.start_thread_soon
        _orig_send_message = threads_mod._send_message_to_trio


# ---------------------------------------------------------------------------
# try / except* as CPython 3.11 runs it
# ---------------------------------------------------------------------------

def make_try_star(n):
    """A real `try: ... except* C0: ... except* Cn-1: ... else: ... finally:`
    compiled for n handlers, so that CPython itself splits the group, wraps a
    naked exception and rebuilds what is raised (_PyExc_PrepReraiseStar).

    CPython tells a re-raise from a new raise by the exception's metadata:
    the group a handler raises is re-raised (kept in the shape of the original
    group) only if its traceback is still the one it had when the handler
    began, which holds for a bare `raise` written in the handler itself, and
    not when it comes back out of a called function (each frame it leaves
    adds to its traceback).  Here the handler's statements run in the
    interpreter's own nested frames, so the traceback the program would have
    is restored: a `reraise` that did not leave through a scenario `call`
    (marked by the `call` statement) gets the traceback it came in with, and
    the group is re-raised bare in the except* block."""
    lines = ["async def try_star(star, body, classes, handlers, else_, finally_):",
             "    try:",
             "        r = await body()",
             "        if r is not None:",
             "            return r"]
    for i in range(n):
        lines += [f"    except* classes[{i}]:",
                  "        eg = sys.exception()",
                  "        tb = eg.__traceback__",
                  "        mark = [eg, False]",
                  "        star.append(mark)",
                  "        try:",
                  f"            await handlers[{i}]()",
                  "        except BaseException as x:",
                  "            if x is eg and not mark[1]:",
                  "                x.__traceback__ = tb",
                  "            raise",
                  "        finally:",
                  "            star.remove(mark)"]
    lines += ["    else:",
              "        if else_ is not None:",
              "            r = await else_()",
              "            if r is not None:",
              "                return r",
              "    finally:",
              "        if finally_ is not None:",
              "            fr = await finally_()",
              "            if fr is not None:",
              "                return fr",
              "    return None"]
    ns = {"sys": sys}
    exec(compile("\n".join(lines), f"<try-except*-{n}>", "exec"), ns)  # noqa: S102 - generated above
    return ns["try_star"]


_TRY_STAR = {}


# ---------------------------------------------------------------------------
# The interpreter
# ---------------------------------------------------------------------------

class Ret:
    """`return v` travels back to the function boundary as a value, not an
    exception, so scopes and task groups see a normal exit as Python would."""

    def __init__(self, value):
        self.value = value


class Task:
    def __init__(self, name):
        self.name = name
        self.star = []  # [matched group, left through a `call`] per except* handler running
        self.state = "unfinished"
        self.end = None
        self.exc = None
        self.returned = Ret  # Ret itself = no `return` ran
        self.draws = 0
        self.wait = None
        self.started = False


def still_entered(s):
    """An exit AnyIO refused (a scope entered by hand in the way: issue 19)
    leaves the scope entered; its state is then taken at the end of the run."""
    orig = getattr(s, "_CancelScope__original", None)
    return orig._cancel_status is not None if orig is not None else s._active


class Ctx:
    def __init__(self, task, tg=None, vars=None):
        self.task = task
        self.tg = tg
        self.vars = {} if vars is None else vars  # the function's named values (reference_ext/dataflow.py)


class Interp:
    def __init__(self, doc, backend, step_limit=10_000_000):
        import anyio

        self.steps = 0
        self.step_limit = step_limit
        self.trio_order, self.seed = "fifo", 0  # Trio's batch order (--trio-order, --seed)

        self.anyio = anyio
        self.doc = doc
        self.backend = backend
        self.tasks = []
        self.scopes = {}  # instance name -> outcome entry, in order of entry
        self.log = []
        self.uses = {}
        self.latest = {}  # declared name -> most recent instance object
        self.functions = doc.get("functions", {})
        self.events = {}
        self.frozen = None  # the outcome at a deadlock
        self.clock = None  # Trio: the virtual clock
        self.loop = None  # the virtual asyncio loop
        self.classes = self._classes(doc.get("exceptions", {}))
        self.threads = ThreadSync()
        self.jobs = []  # every to_thread call, in order
        self.limiters = {}  # declared name -> CapacityLimiter (made in the run)
        self.ran = False  # anyio.run() has returned
        reference_ext.setup(self)

    def _classes(self, user):
        import builtins

        cls = {n: getattr(builtins, n) for n in (
            "BaseException", "Exception", "ArithmeticError", "ZeroDivisionError", "LookupError", "KeyError",
            "IndexError", "ValueError", "TypeError", "RuntimeError", "NotImplementedError", "OSError",
            "ConnectionError", "TimeoutError", "KeyboardInterrupt", "SystemExit", "GeneratorExit",
            "BaseExceptionGroup", "ExceptionGroup")}
        for n in ("TaskFailed", "TaskCancelled", "WouldBlock", "BrokenResourceError", "ClosedResourceError",
                  "EndOfStream", "RunFinishedError"):
            if hasattr(self.anyio, n):
                cls[n] = getattr(self.anyio, n)
        pending = dict(user)
        while pending:  # bases may be declared after their subclasses
            for name, base in list(pending.items()):
                if base in cls:
                    cls[name] = type(name, (cls[base],), {})
                    del pending[name]
        return cls

    # -- time, names, records ------------------------------------------------

    def now(self):
        # read the clocks directly: this also works outside the run's loop
        if self.backend == "trio":
            return self.clock.current_time()
        return self.loop.vt if self.loop else 0.0

    def set_time(self, t):
        if self.backend == "trio":
            self.clock.t = t
        else:
            self.loop.vt = t

    def busy(self, d):
        """Synchronous code blocks the loop for d seconds; worker threads
        whose blocks end meanwhile go on at their own instants."""
        target = self.now() + d
        while min(self.threads.next_wake(), self.next_interrupt()) <= target:
            self.set_time(max(self.now(), min(self.threads.next_wake(), self.next_interrupt())))
            self.deliver_due(self.now())  # Ctrl+C while the task's code runs (reference_ext/interrupt.py)
            self.threads.release_due(self.now())
        self.set_time(target)

    def instance(self, name):
        n = self.uses[name] = self.uses.get(name, 0) + 1
        return name if n == 1 else f"{name}#{n}"

    def new_task(self, name):
        t = Task(name)
        self.tasks.append(t)
        return t

    def dur(self, v, task, vars=None):
        if isinstance(v, dict) and "name" in v:  # a number parameter (reference_ext/dataflow.py)
            return vars[v["name"]]
        if isinstance(v, dict):
            lo, hi = v["uniform"]
            k = task.draws
            task.draws += 1
            return uniform_draw(task.name, k, lo, hi)
        return v

    def add_log(self, task, msg, value=Ret):
        if self.ran:  # a worker thread after anyio.run() returned: not the run's
            self.job_of_thread().after_run.append({"t": jnum(self.now()), "log": msg})
        elif self.frozen is None:
            line = {"t": jnum(self.now()), "task": task.name, "msg": msg}
            if value is not Ret:
                line["value"] = jnum(value)
            self.log.append(line)

    def enter_scope(self, name, kind, obj):
        self.scopes[name] = [kind, obj, None]  # in the order of entry; state filled at exit

    def exit_scope(self, name):
        entry = self.scopes[name]
        if self.frozen is None:
            entry[2] = self.scope_state(entry[0], entry[1])

    def scope_state(self, kind, s):
        try:
            called = s.cancel_called
        except RuntimeError:  # Trio's property reads the clock: a scope still open after the run (scope_enter)
            called = s._CancelScope__original._cancel_called
        return {"kind": kind, "cancel_called": called, "cancelled_caught": s.cancelled_caught,
                "deadline": jnum(float(s.deadline)), "shield": s.shield}

    def freeze(self, result):
        # The abandoned run is torn down by the garbage collector later, which
        # complains about it; those complaints are not the scenario's.
        sys.unraisablehook = lambda unraisable: None
        if self.frozen is None:
            self.frozen = self.outcome(result)

    def on_deadlock(self):
        waiting = {t.name: t.wait or ("running" if t.started else "not started")
                   for t in self.tasks if t.state == "unfinished"}
        self.freeze({"deadlock": {"waiting": waiting}})
        raise Deadlock()

    # -- statements ----------------------------------------------------------

    async def body(self, stmts, ctx):
        for st in stmts:
            r = await self.stmt(st, ctx)
            if r is not None:
                return r
        return None

    async def stmt(self, st, ctx):
        self.steps += 1
        if self.steps > self.step_limit:
            self.freeze({"limit": "steps"})
            raise StepLimit()
        a = action_of(st)
        lowlevel = self.anyio.lowlevel
        if a == "sleep_forever":
            ctx.task.wait = "sleep_forever"
            await self.anyio.sleep_forever()
        elif a == "checkpoint":
            await lowlevel.checkpoint()
        elif a == "checkpoint_if_cancelled":
            await lowlevel.checkpoint_if_cancelled()
        elif a == "cancel_shielded_checkpoint":
            await lowlevel.cancel_shielded_checkpoint()
        elif a == "reraise":
            raise  # noqa: PLE0704 - runs inside the except block of the enclosing `try` statement
        elif a == "sleep":
            await self.anyio.sleep(self.dur(st["sleep"], ctx.task, ctx.vars))
        elif a == "sleep_until":
            await self.anyio.sleep_until(st["sleep_until"])
        elif a == "busy":
            self.busy(self.dur(st["busy"], ctx.task))
        elif a == "raise":
            if "exceptions" in st:  # raise ExceptionGroup("m", [...]) (reference_ext/groups.py)
                raise reference_ext.groups.build(self, st)
            cls = self.classes[st["raise"]]
            raise cls(st["message"]) if "message" in st else cls()
        elif a == "return":
            return Ret(st["return"])
        elif a == "log":
            self.add_log(ctx.task, st["log"])
        elif a == "probe":
            self.probe(st, ctx)
        elif a == "task_group":
            return await self.task_group(st, ctx)
        elif a == "start_soon":
            self.start_soon(st, ctx)
        elif a in SCOPE_KINDS:
            return await self.scope(st, a, ctx)
        elif a == "cancel":
            self.scope_obj(st["cancel"]).cancel(st.get("reason"))
        elif a == "set_shield":
            self.scope_obj(st["set_shield"]).shield = st["value"]
        elif a == "set_deadline":
            self.scope_obj(st["set_deadline"]).deadline = num_in(st["value"])
        elif a == "try":
            return await self.try_(st, ctx)
        elif a == "call":
            fn = self.functions[st["call"]]
            try:
                r = await self.body(dataflow.function_body(fn), Ctx(ctx.task, ctx.tg, dataflow.call_vars(self, fn, st, ctx)))
                dataflow.bind(ctx, st, r.value if r is not None else None)  # a `return` ends the function only
            except BaseException as x:
                # leaving a function extends the exception's traceback: a group
                # re-raised in a called function is no longer a bare re-raise
                # for the except* that matched it (see make_try_star)
                for mark in ctx.task.star:
                    if mark[0] is x:
                        mark[1] = True
                raise
        elif a == "repeat":
            for _ in range(st["repeat"]):
                r = await self.body(st["body"], ctx)
                sig = dataflow.loop_signal(r)
                if sig == "break":
                    break
                if sig is None and r is not None:
                    return r
        elif a == "wait":
            ctx.task.wait = f"event {st['wait']}"
            await dataflow.event_of(self, ctx, st["wait"]).wait()
        elif a == "set":
            dataflow.event_of(self, ctx, st["set"]).set()
        elif a == "to_thread":
            dataflow.bind(ctx, st, await self.to_thread(st, ctx))
        elif a in reference_ext.ACTIONS:
            r = await reference_ext.ACTIONS[a](self, st, ctx)
            if r is not None:
                return r
        ctx.task.wait = None
        return None

    # -- worker threads ------------------------------------------------------

    def limiter(self, name):
        if name is None or name == "default":
            return self.anyio.to_thread.current_default_thread_limiter()
        if name not in self.limiters:
            tokens = self.doc["limiters"][name]
            self.limiters[name] = self.anyio.CapacityLimiter(math.inf if tokens == "inf" else tokens)
        return self.limiters[name]

    async def to_thread(self, st, ctx):
        job = Job(ctx.task, st, len(self.jobs))
        job.ctx = ctx
        self.jobs.append(job)
        limiter = self.limiter(st.get("limiter"))
        if self.backend == "asyncio":
            limiter = _DispatchingLimiter(limiter, self.threads)
        ctx.task.wait = "to_thread"
        return await self.anyio.to_thread.run_sync(self.thread_main, job, limiter=limiter,
                                                   abandon_on_cancel=st.get("abandon_on_cancel", False))

    def job_of_thread(self):
        return _thread_local.job

    def thread_main(self, job):
        """The thread function: runs in the worker thread, one step at a time."""
        _thread_local.job = job
        job.start = self.now()
        try:
            r = self.thread_steps(job)
            job.ended = {"returned": r}
            return r
        except BaseException as e:
            job.ended = {"raised": exc_json(e)}
            raise
        finally:
            job.end = self.now()
            job.ended_after_run = self.ran
            if self.backend == "asyncio" and self.loop.is_closed():
                self.threads.consume()  # nothing left to report to
            else:
                _thread_local.reporting = self.backend == "asyncio"

    def thread_steps(self, job):
        from_thread = self.anyio.from_thread
        for step in job.st["to_thread"]:
            a = action_of(step)
            if a == "log":
                self.add_log(job.task, step["log"])
            elif a == "block":
                d = self.dur(step["block"], job.task)
                if d > 0:
                    self.threads.block(job, self.now() + d)
            elif a == "raise":
                cls = self.classes[step["raise"]]
                raise cls(step["message"]) if "message" in step else cls()
            elif a == "return":
                return step["return"]
            elif a == "check_cancelled":
                from_thread.check_cancelled()
            elif a in reference_ext.THREAD_STEPS:
                r = reference_ext.THREAD_STEPS[a](self, step, job)
                if r is not None:
                    return r.value
            elif a == "from_thread":
                if self.ran:
                    job.after_run.append({"t": jnum(self.now()), "from_thread": "called"})
                token = self.tokens[step["token"]] if "token" in step else None  # reference_ext/foreign.py
                v = from_thread.run(self.from_thread_body, step["from_thread"], job, token=token)
                reference_ext.portal.bind(job, step, v)  # the thread function's named values
        return None

    async def from_thread_body(self, stmts, job):
        r = await self.body(stmts, Ctx(job.task, job.ctx.tg))
        return r.value if r is not None else None

    def event(self, name):
        if name not in self.events:
            self.events[name] = self.anyio.Event()
        return self.events[name]

    def scope_obj(self, name):
        obj = self.latest[name]
        return getattr(obj, "cancel_scope", obj)  # a task group cancels through its scope

    def probe(self, st, ctx):
        what = st["probe"]
        if what == "effective_deadline":
            self.add_log(ctx.task, what, float(self.anyio.current_effective_deadline()))
        elif what == "time":
            self.add_log(ctx.task, what, self.now())
        else:
            value = getattr(self.scope_obj(st["scope"]), what)
            self.add_log(ctx.task, f"{st['scope']}.{what}", float(value) if what == "deadline" else value)

    async def task_group(self, st, ctx):
        name = self.instance(st["task_group"])
        tg = self.anyio.create_task_group()
        r = None  # stays None when the group's scope swallows a cancellation
        try:
            async with tg:
                self.latest[st["task_group"]] = tg
                ctx.vars[dataflow.scope_key(st["task_group"])] = tg  # this invocation's (dataflow.py)
                self.enter_scope(name, "task_group", tg.cancel_scope)
                try:
                    r = await self.body(st["body"], Ctx(ctx.task, tg, ctx.vars))
                finally:
                    ctx.task.wait = f"task_group {name}"
            ctx.task.wait = None
            return r
        finally:
            if name in self.scopes:
                self.exit_scope(name)

    def start_soon(self, st, ctx):
        tg = self.latest[st["in"]] if "in" in st else ctx.tg
        count = st.get("count")
        names = [st["start_soon"]] if count is None else [f"{st['start_soon']}[{i}]" for i in range(count)]
        if "function" in st:  # the arguments are taken now, in the spawner
            fn = self.functions[st["function"]]
            body, vars_ = dataflow.function_body(fn), dataflow.call_vars(self, fn, st, ctx)
        else:
            body, vars_ = st["body"], None
        for base in names:
            rec = self.new_task(self.instance(base))
            try:
                h = tg.start_soon(self.task_main, rec, body, Ctx(rec, ctx.tg, dict(vars_) if vars_ else None), name=rec.name)
                if count is None:  # 4.14's start_soon returns a TaskHandle (reference_ext/taskhandles.py)
                    self.latest[st["start_soon"]] = h
            except BaseException:
                self.tasks.remove(rec)  # refused (a closed nursery): the task never existed
                raise

    async def scope(self, st, action, ctx):
        kind = SCOPE_KINDS[action]
        declared = st["cancel_scope"] if action == "cancel_scope" else st.get("id")
        name = self.instance(declared) if declared else None
        shield = st.get("shield", False)
        at = None  # fail_at's absolute deadline, set once the scope is entered
        if action == "cancel_scope":
            cm = self.anyio.CancelScope(deadline=num_in(st.get("deadline", math.inf)), shield=shield)
        elif action == "move_on_at":
            when = st["move_on_at"]
            cm = self.anyio.CancelScope(deadline=math.inf if when is None else self.dur(when, ctx.task), shield=shield)
        elif action == "fail_at":
            when = st["fail_at"]
            at = None if when is None else self.dur(when, ctx.task)
            cm = self.anyio.fail_after(None, shield=shield)
        else:
            delay = self.dur(st[action], ctx.task, ctx.vars)
            make = self.anyio.move_on_after if action == "move_on_after" else self.anyio.fail_after
            cm = make(delay, shield=shield)
        scope = None
        try:
            with cm as scope:
                if at is not None:
                    scope.deadline = at
                if name:
                    self.latest[declared] = scope
                    ctx.vars[dataflow.scope_key(declared)] = scope  # this invocation's (dataflow.py)
                    self.enter_scope(name, kind, scope)
                return await self.body(st["body"], ctx)
        finally:
            if name and scope is not None and not still_entered(scope):
                self.exit_scope(name)

    def match_classes(self, match):
        names = [match] if isinstance(match, str) else match
        return tuple(self.anyio.get_cancelled_exc_class() if n == "Cancelled" else self.classes[n] for n in names)

    def matches(self, e, match):
        return isinstance(e, self.match_classes(match))

    async def try_star(self, st, ctx):
        handlers = st["except*"]
        fn = _TRY_STAR.get(len(handlers))
        if fn is None:
            fn = _TRY_STAR[len(handlers)] = make_try_star(len(handlers))

        def run(body):
            return None if body is None else (lambda: self.body(body, ctx))

        return await fn(ctx.task.star, run(st["try"]), [self.match_classes(h["match"]) for h in handlers],
                        [run(h["body"]) for h in handlers], run(st.get("else")), run(st.get("finally")))

    async def try_(self, st, ctx):
        if "except*" in st:
            return await self.try_star(st, ctx)
        r = None
        try:
            r = await self.body(st["try"], ctx)
        except BaseException as e:
            if isinstance(e, Stop):
                raise
            for h in st.get("except", []):
                if "match" not in h or self.matches(e, h["match"]):
                    # still inside this except block: `reraise` and the
                    # __context__ of anything raised here work as in Python
                    if "as" in h:  # except X as NAME: bound in the handler, deleted after it
                        ctx.vars[h["as"]] = e
                    try:
                        r = await self.body(h["body"], ctx)
                    finally:
                        ctx.vars.pop(h.get("as"), None)
                    break
            else:
                raise
        else:
            if "else" in st and r is None:
                r = await self.body(st["else"], ctx)
        finally:
            if "finally" in st:
                rf = await self.body(st["finally"], ctx)
                if rf is not None:
                    return rf  # noqa: B012 - a return in finally drops what was in flight, as in Python
        return r

    # -- tasks and the run ---------------------------------------------------

    def finished(self, rec, exc=None, ret=None):
        if self.frozen is not None or rec.state != "unfinished":
            return
        rec.end = self.now()
        if exc is None:
            rec.state = "completed"
            if ret is not None:
                rec.returned = ret.value
        elif isinstance(exc, self.anyio.get_cancelled_exc_class()):
            rec.state = "cancelled"
        else:
            rec.state = "failed"
            rec.exc = exc

    async def task_main(self, rec, body, ctx):
        if self.backend == "asyncio":
            import asyncio

            # a cancel() that lands as the coroutine returns ends the task
            # cancelled: only the task itself knows
            def done(task):
                if task.cancelled() and rec.state == "completed" and self.frozen is None:
                    rec.state = "cancelled"
                    rec.returned = Ret

            asyncio.current_task().add_done_callback(done)
        rec.started = True
        try:
            r = await self.body(body, ctx)
        except BaseException as e:
            self.finished(rec, e)
            raise
        self.finished(rec, None, r)
        return r  # what `await handle` gives (reference_ext/dataflow.py)

    async def main(self):
        rec = self.new_task("main")
        rec.started = True
        try:
            r = await self.body(self.doc["main"], Ctx(rec))
        except BaseException as e:
            self.finished(rec, e)
            raise
        self.finished(rec, None, r)
        return r.value if r is not None else None

    def outcome(self, result):
        tasks = {}
        for t in self.tasks:
            entry = {"state": t.state}
            if t.state != "unfinished":
                entry["end"] = jnum(t.end)
            if t.exc is not None:
                entry["exception"] = exc_json(t.exc)
            if t.returned is not Ret:
                entry["returned"] = t.returned
            tasks[t.name] = entry
        # a scope still open (at a deadlock) shows its current state
        scopes = {n: e[2] or self.scope_state(e[0], e[1]) for n, e in self.scopes.items()}
        out = {"scenario": self.doc.get("name") or None, "backend": self.backend, "result": result,
               "end_time": jnum(self.now()), "tasks": tasks, "scopes": scopes, "log": list(self.log)}
        reference_ext.outcome(self, out)
        return out

    def run(self, with_threads=False):
        anyio = self.anyio
        save_originals()
        if self.backend == "asyncio":
            patch_asyncio_sets()
            patch_asyncio_threads(self)
            options = {"loop_factory": make_virtual_loop(self)}
        else:
            patch_trio_order(self.trio_order, self.seed)
            patch_trio_threads(self)
            self.clock, lockstep = make_trio_clock(self)
            options = {"clock": self.clock, "instruments": [lockstep]}
        try:
            if "sync_main" in self.doc:  # a synchronous main starts the loop (reference_ext/sync_main.py)
                result = reference_ext.sync_main.run(self, options)
            else:
                value = anyio.run(self.main, backend=self.backend, backend_options=options)
                result = {"returned": value}
        except BaseException as e:  # noqa: BLE001 - whatever anyio.run raises is the outcome
            result = {"raised": exc_json(e)} if self.frozen is None else None
        out = self.frozen if self.frozen is not None else self.outcome(result)
        self.finish_threads()
        if with_threads:
            out["threads"] = [self.job_json(j) for j in self.jobs]
        return out

    def finish_threads(self):
        """After anyio.run() returned, abandoned worker threads run on to
        their ends in virtual time, as real ones do (AnyIO's asyncio worker
        drops the outcome when the loop is closed; Trio's delivery finds the
        run finished and is ignored).  What they do then is not part of the
        outcome, only of --threads."""
        self.ran = True
        if self.frozen is not None:  # a deadlock or a limit: the run was given up
            self.threads.abort()
            return
        while True:
            self.threads.sync()
            w = self.threads.next_wake()
            if w == math.inf:
                break
            self.set_time(max(self.now(), w))
            self.threads.release_due(self.now())
        for job in self.jobs:
            if job.fut is not None and not job.fut.done():
                # asyncio: a from_thread call whose task the closed loop never
                # ran; the thread would wait for ever (and keep the process
                # from exiting), so it is told to stop
                job.stuck = True
                job.fut.cancel()

    def job_json(self, job):
        out = {"task": job.task.name, "start": jnum(job.start)}
        if getattr(job, "stuck", False):
            out["ended"] = "waits for ever on a from_thread call the closed loop never ran"
        elif job.ended is not None:
            out["end"] = jnum(job.end)
            out["ended"] = job.ended
            out["after_run"] = job.ended_after_run
        if job.after_run:
            out["after_run_steps"] = job.after_run
        return out


def anyio_problem():
    """Why AnyIO cannot be used here, or None."""
    try:
        import anyio
    except ImportError:
        return "AnyIO is not importable (set PYTHONPATH)"
    try:
        from importlib.metadata import PackageNotFoundError, version

        try:
            parts = tuple(int(p) for p in version("anyio").split(".")[:2])
            return None if parts >= (4, 14) else f"AnyIO {version('anyio')} is older than 4.14"
        except (PackageNotFoundError, ValueError):
            pass
    except ImportError:
        pass
    # a source checkout without metadata: TaskFailed came with 4.14's TaskHandle
    return None if hasattr(anyio, "TaskFailed") else "AnyIO is older than 4.14"


def scenario_name(path, doc):
    name = doc.get("name")
    if isinstance(name, str):
        return name
    base = path.rsplit("/", 1)[-1]
    return base[:-5] if base.endswith(".json") else base


def main(argv=None):
    ap = argparse.ArgumentParser(description="Run a cancelsim scenario on real AnyIO (a subset of the format).")
    ap.add_argument("file")
    ap.add_argument("--backend", choices=["asyncio", "trio", "both"], default="asyncio")
    ap.add_argument("--step-limit", type=int, default=10_000_000,
                    help="stop with {\"limit\": \"steps\"} after this many statements (as cancelsim; "
                         "the count may differ slightly, and Python is slow at it)")
    ap.add_argument("--threads", action="store_true",
                    help="add a \"threads\" list to each outcome: every to_thread call's worker thread, "
                         "when it started and ended and how, and what it did after anyio.run() returned "
                         "(not part of the format's outcome)")
    ap.add_argument("--trio-order", choices=("fifo", "lifo", "random"), default="fifo",
                    help="Trio: run each batch of runnable tasks FIFO (canonical, cancelsim's seed 0), "
                         "reversed, or reversed at random as real Trio does (other real schedules; the other "
                         "choices stay canonical); as the oracle's option")
    ap.add_argument("--seed", type=int, default=0, help="seed for --trio-order random")
    args = ap.parse_args(argv)
    try:
        with open(args.file, encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        print(f"{args.file}: error: {e}", file=sys.stderr)
        return 2
    problem = anyio_problem()
    if problem:
        print(f"anyio_reference.py: {problem}", file=sys.stderr)
        return 3
    try:
        check_supported(doc)
    except Unsupported as e:
        print(f"{args.file}: unsupported: {e}", file=sys.stderr)
        return 3
    doc["name"] = scenario_name(args.file, doc)
    listed = doc.get("backends", ["asyncio", "trio"])
    backends = [b for b in ("asyncio", "trio") if b in listed] if args.backend == "both" else [args.backend]
    outs = []
    for b in backends:
        interp = Interp(doc, b, args.step_limit)
        interp.trio_order, interp.seed = args.trio_order, args.seed
        outs.append(interp.run(args.threads))
    print(json.dumps(outs[0] if len(outs) == 1 else outs, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
