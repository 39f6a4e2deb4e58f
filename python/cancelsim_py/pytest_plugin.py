"""pytest_plugin.py - cancelsim scenarios as pytest items (entry point pytest11).

    pytest --cancelsim scenarios/            # every scenario under the folder
    pytest examples/                         # .py files marked "# cancelsim: verify"

Each scenario file (.json under a --cancelsim path, or an AnyIO program whose
first lines hold the comment `# cancelsim: verify`) gives one item per backend
it runs on, named `FILE::asyncio` and `FILE::trio`, so -k, --lf and
--junitxml work as for any test.  An item passes when `cancelsim verify`
passes that backend (expect, expect_by_backend, expect_any, findings).  A .py
program states expectations as module-level literals CANCELSIM_EXPECT = {...}
and CANCELSIM_EXPECT_BY_BACKEND = {...} (docs/python.md); without them it must
run without findings: no orphan task, lost exception, shield breach,
cancellation escape, early deadline or deadlock.  A failure shows verify's message, a unified diff of the expected
keys against the outcome, and the line that replays the run.

The binary: --cancelsim-bin, else $CANCELSIM_BIN, else `cancelsim` on PATH.

    pytest --cancelsim-record DIR [--cancelsim-record-virtual-time] tests/

records each test's AnyIO runs as a cancelsim trace DIR/NODEID.jsonl
(pytest_record.py; docs/recording.md).
"""
import difflib
import fnmatch
import json
import os
import re
import shutil
import subprocess

import pytest

MARKER = re.compile(r"^#\s*cancelsim:\s*verify\b", re.M)
BACKENDS = ("asyncio", "trio")
TAP_ENTRY = re.compile(r"^(ok|not ok) \d+ - (.*) \[(asyncio|trio)\](?: # (?:SKIP|skip) ?(.*))?$")


def pytest_addoption(parser):
    group = parser.getgroup("cancelsim", "cancelsim scenarios")
    group.addoption("--cancelsim", action="append", default=[], metavar="PATH",
                    help="collect the scenario files (*.json) under PATH as tests, one per backend")
    group.addoption("--cancelsim-bin", default=None, metavar="PATH",
                    help="the cancelsim program (default: $CANCELSIM_BIN, else cancelsim on PATH)")
    group.addoption("--cancelsim-record", default=None, metavar="DIR",
                    help="record each test's AnyIO runs as a cancelsim trace, DIR/NODEID.jsonl")
    group.addoption("--cancelsim-record-virtual-time", action="store_true", default=False,
                    help="with --cancelsim-record: run them on a clock that jumps to the next deadline")


def pytest_configure(config):
    config.addinivalue_line("markers", "cancelsim: a cancelsim scenario run on one backend")
    if config.getoption("cancelsim_record"):
        from cancelsim_py.pytest_record import Recorder

        config.pluginmanager.register(Recorder(config), "cancelsim-record")
    paths = config.getoption("cancelsim")
    # `pytest --cancelsim DIR` with no other path collects DIR, not the current folder
    if paths and config.args in ([], [str(config.invocation_params.dir)]):
        config.args = list(paths)


def _roots(config):
    return [os.path.abspath(p) for p in config.getoption("cancelsim")]


def _under(path, roots):
    p = os.path.abspath(str(path))
    return any(p == r or p.startswith(r.rstrip(os.sep) + os.sep) for r in roots)


def pytest_collect_file(file_path, parent):
    name = file_path.name
    if name.endswith(".json") and _under(file_path, _roots(parent.config)):
        try:
            with open(file_path, encoding="utf-8") as f:
                doc = json.load(f)
        except (OSError, ValueError):
            doc = {"main": []}  # let cancelsim report what is wrong with it
        if isinstance(doc, dict) and ("main" in doc or "sync_main" in doc):  # sync_main: issue 26
            return ScenarioFile.from_parent(parent, path=file_path)
    if name.endswith(".py") and _marked(file_path) and not _python_collects(file_path, parent):
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


def _marked(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return MARKER.search(f.read(4096)) is not None
    except OSError:
        return False


def _python_collects(path, parent):
    """Whether pytest's python plugin takes this file as a test module (it is
    named on the command line or matches python_files); then it comes to
    pytest_pycollect_makemodule instead, so it is collected once."""
    if parent.session.isinitpath(path):
        return True
    return any(fnmatch.fnmatch(path.name, pat) for pat in parent.config.getini("python_files"))


@pytest.hookimpl(tryfirst=True)
def pytest_pycollect_makemodule(module_path, parent):
    """A marked program is a scenario, not a test module to import."""
    if _marked(module_path):
        return ScenarioFile.from_parent(parent, path=module_path)
    return None


def _rel(path):
    """A path as the user would type it: relative below the current folder."""
    r = os.path.relpath(str(path))
    return str(path) if r.startswith("..") else r


def _binary(config):
    b = config.getoption("cancelsim_bin") or os.environ.get("CANCELSIM_BIN") or shutil.which("cancelsim")
    if not b:
        raise pytest.UsageError("cancelsim: no cancelsim program (use --cancelsim-bin or $CANCELSIM_BIN)")
    return b


class ScenarioFile(pytest.File):
    def collect(self):
        backends = list(BACKENDS)
        if self.path.name.endswith(".json"):
            try:
                with open(self.path, encoding="utf-8") as f:
                    listed = json.load(f).get("backends")
                if isinstance(listed, list):
                    backends = [b for b in BACKENDS if b in listed] or backends
            except (OSError, ValueError, AttributeError):
                pass
        for b in backends:
            item = ScenarioItem.from_parent(self, name=b, backend=b)
            item.add_marker("cancelsim")
            yield item

    def verified(self):
        """{backend: (status, message, replay)} from one `cancelsim verify --tap` of the file."""
        cached = getattr(self, "_verified", None)
        if cached is not None:
            return cached
        rel = _rel(self.path)
        proc = subprocess.run([_binary(self.config), "verify", rel, "--tap"], capture_output=True, text=True)
        out = {}
        current = None
        for line in proc.stdout.splitlines():
            m = TAP_ENTRY.match(line)
            if m:
                status = "skip" if m.group(4) is not None else ("pass" if m.group(1) == "ok" else "fail")
                current = out[m.group(3)] = [status, m.group(4) or "", ""]
                continue
            s = line.strip()
            for key, slot in (("message: ", 1), ("replay: ", 2)):
                if current is not None and s.startswith(key):
                    v = s[len(key):]
                    try:
                        v = json.loads(v)
                    except ValueError:
                        pass
                    current[slot] = v
        self._verified = (out, proc.stdout + proc.stderr, proc.returncode)
        return self._verified


class CancelsimFailure(Exception):
    pass


class ScenarioItem(pytest.Item):
    def __init__(self, *, backend, **kw):
        super().__init__(**kw)
        self.backend = backend

    def runtest(self):
        results, text, rc = self.parent.verified()
        r = results.get(self.backend)
        if r is None and rc == 0 and results and self.path.name.endswith(".py"):
            # a program whose translation declares one backend (native asyncio is asyncio only):
            # verify ran the other one alone
            pytest.skip(f"the program does not run on {self.backend} (its translation declares the other backend)")
        if r is None:
            raise CancelsimFailure(text.strip() or f"cancelsim verify exited with status {rc}")
        status, message, replay = r
        if status == "skip" and self.path.name.endswith(".py") and message.startswith("no expectations"):
            return  # a program has no expectations: running without a finding is the test
        if status == "skip":
            pytest.skip(message or f"{self.backend} not modelled for this scenario")
        if status == "fail":
            raise CancelsimFailure("\n".join(x for x in (message, self.diff(), f"replay: {replay}" if replay else "")
                                             if x))

    def diff(self):
        """Expected keys against the outcome, as a unified diff."""
        try:
            if self.path.name.endswith(".py"):  # its CANCELSIM_EXPECT, as translated
                proc = subprocess.run([_binary(self.config), "translate", _rel(self.path)], capture_output=True,
                                      text=True)
                doc = json.loads(proc.stdout)
            else:
                with open(self.path, encoding="utf-8") as f:
                    doc = json.load(f)
            expect = dict(doc.get("expect") or {})
            expect.update((doc.get("expect_by_backend") or {}).get(self.backend) or {})
            proc = subprocess.run([_binary(self.config), "run", _rel(self.path), "--backend",
                                   self.backend, "--format", "json"], capture_output=True, text=True)
            outcome = json.loads(proc.stdout)
        except (OSError, ValueError, AttributeError):
            return ""
        keys = [k for k in expect if k in outcome and _subset(expect[k], outcome[k]) != expect[k]]
        if not keys:
            return ""
        want = {k: expect[k] for k in keys}
        got = {k: _subset(expect[k], outcome[k]) for k in keys}
        lines = difflib.unified_diff(json.dumps(want, indent=2).splitlines(), json.dumps(got, indent=2).splitlines(),
                                     "expected", "outcome", lineterm="")
        return "\n".join(lines)

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, CancelsimFailure):
            return f"{self.path.name} [{self.backend}]\n{excinfo.value}"
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, None, f"{_rel(self.path)} [{self.backend}]"


def _subset(want, got):
    """The part of `got` that `want` speaks about (dict keys it names)."""
    if isinstance(want, dict) and isinstance(got, dict):
        return {k: _subset(want[k], got[k]) for k in want if k in got}
    if isinstance(want, list) and isinstance(got, list) and len(want) == len(got):
        return [_subset(w, g) for w, g in zip(want, got)]
    return got
