"""pytest_record.py - `pytest --cancelsim-record DIR`: each test's AnyIO runs
recorded as a cancelsim trace, DIR/NODEID.jsonl (docs/recording.md).

Registered by pytest_plugin.py when the option is given.  Around each test
the recorder (python/cancelsim_record) is installed as `python3 -m
cancelsim_record` installs it, so every anyio.run() the test makes is
recorded; an async test that AnyIO's pytest plugin would run (it has the
`anyio_backend` fixture) is run here instead, through the recorder's
anyio.run on the same backend and options, and recorded the same way.  A test
whose fixtures are async cannot be: they live in AnyIO's test runner, which
the recorder does not wrap; it runs as usual, unrecorded, with a warning.
A test that records nothing writes no file.  With
--cancelsim-record-virtual-time the runs use the recorder's virtual clock
(--virtual-time): a test that sleeps for minutes is recorded in milliseconds
with the simulator's times.
"""
import inspect
import os
import re
import warnings

import pytest


def trace_name(nodeid):
    """The file a test's trace goes to: its node id with '/' as '.', '::' as
    '__', a parameter set [p] as -p, and any other unusual character '_'."""
    s = nodeid.replace("::", "__").replace("/", ".").replace("\\", ".").replace("[", "-").replace("]", "")
    return re.sub(r"[^A-Za-z0-9_.,=+-]", "_", s)[:200] + ".jsonl"


def _async_fixtures(item):
    info = getattr(item, "_fixtureinfo", None)
    names = []
    for name, defs in (getattr(info, "name2fixturedefs", None) or {}).items():
        for d in defs:
            f = getattr(d, "func", None)
            if f is not None and (inspect.iscoroutinefunction(f) or inspect.isasyncgenfunction(f)):
                names.append(name)
    return names


class Recorder:
    def __init__(self, config):
        self.dir = os.path.abspath(config.getoption("cancelsim_record"))
        self.virtual = config.getoption("cancelsim_record_virtual_time")
        os.makedirs(self.dir, exist_ok=True)
        self.session = None

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_call(self, item):
        try:
            from cancelsim_record import recorder
        except ImportError as e:  # the recorder ships beside this plugin
            raise pytest.UsageError("--cancelsim-record: cannot import cancelsim_record: %s" % e)
        out = os.path.join(self.dir, trace_name(item.nodeid))
        if os.path.exists(out):
            os.unlink(out)  # a rerun's trace replaces the last one's
        self.session = recorder.Session(item.name, None, self.virtual, out)
        self.session.install()
        try:
            yield
        finally:
            self.session.uninstall()
            self.session = None

    @pytest.hookimpl(tryfirst=True)
    def pytest_pyfunc_call(self, pyfuncitem):
        backend = pyfuncitem.funcargs.get("anyio_backend")
        if self.session is None or not backend or not inspect.iscoroutinefunction(pyfuncitem.obj):
            return None
        if hasattr(pyfuncitem.obj, "hypothesis"):
            return None
        asyncs = _async_fixtures(pyfuncitem)
        if asyncs:
            warnings.warn(pytest.PytestWarning("cancelsim: %s is not recorded: its async fixtures (%s) run in AnyIO's "
                                               "test runner" % (pyfuncitem.nodeid, ", ".join(sorted(set(asyncs))))))
            return None
        from anyio.pytest_plugin import extract_backend_and_options

        name, options = extract_backend_and_options(backend)
        func = pyfuncitem.obj
        testargs = {arg: pyfuncitem.funcargs[arg] for arg in pyfuncitem._fixtureinfo.argnames}

        async def main():
            return await func(**testargs)

        self.session.run(main, backend=name, backend_options=options)
        return True
