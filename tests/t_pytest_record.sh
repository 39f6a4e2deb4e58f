#!/usr/bin/env bash
# t_pytest_record.sh CANCELSIM - `pytest --cancelsim-record DIR` (the pytest
# plugin, python/cancelsim_py/pytest_record.py) writes one trace per test that
# runs AnyIO: a plain test calling anyio.run(), and async tests AnyIO's pytest
# plugin runs (@pytest.mark.anyio) on each backend it has; cancelsim trace
# gives each the outcome the test really had (its log and end time in virtual
# time, a failing test's exception), a planted lost exception is found, dot
# draws each; a test with an async fixture runs unrecorded with a warning;
# without the option nothing is written.  Runs Debian's /usr/bin/python3 -m
# pytest (PYTEST_PYTHON to choose another); exits 77 when it has no pytest or
# cannot import AnyIO (ANYIO_SITE or PYTHONPATH).  Trio's tests run when Trio
# imports.  Prints "N passed, N failed".
set -u
cs="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
. "$(dirname "$0")/testlib.sh"
SRC=$(pwd)
py="${PYTEST_PYTHON:-/usr/bin/python3}"
export PYTHONPATH="$SRC/python${ANYIO_SITE:+:$ANYIO_SITE}${PYTHONPATH:+:$PYTHONPATH}"
export CANCELSIM="$cs"
if ! "$py" -c 'import pytest' 2>/dev/null; then
    echo "t_pytest_record: skipped: $py has no pytest (Debian: python3-pytest)"
    exit 77
fi
if ! "$py" -c 'import anyio, anyio.pytest_plugin' 2>/dev/null; then
    echo "t_pytest_record: skipped: $py cannot import AnyIO (set ANYIO_SITE or PYTHONPATH)"
    exit 77
fi
backends='"asyncio"'
if "$py" -c 'import trio' 2>/dev/null; then backends='"asyncio", "trio"'; else
    echo "t_pytest_record: Trio does not import in $py: asyncio only"
fi

mkdir -p "$tmp/proj"
cat >"$tmp/proj/conftest.py" <<PY
import pytest


@pytest.fixture(params=[$backends])
def anyio_backend(request):
    return request.param
PY
cat >"$tmp/proj/test_prog.py" <<'PY'
import time

import anyio
import anyio.to_thread
import pytest


def test_sync_run():
    async def child():
        await anyio.sleep(3)
        print("child done")

    async def main():
        async with anyio.create_task_group() as tg:
            tg.start_soon(child, name="child")
        print("main done")

    anyio.run(main)


@pytest.mark.anyio
async def test_move_on():
    with anyio.move_on_after(2):
        await anyio.sleep(60)
    print("moved on")


@pytest.mark.anyio
async def test_fails():
    async def boom():
        await anyio.sleep(1)
        raise ValueError("boom")

    async with anyio.create_task_group() as tg:
        tg.start_soon(boom, name="boom")
        await anyio.sleep(5)


def _blocking():
    time.sleep(0.3)
    raise ConnectionError("reset")


@pytest.mark.anyio
async def test_lost_error():
    with anyio.move_on_after(0.1):
        await anyio.to_thread.run_sync(_blocking, abandon_on_cancel=True)
    print("gave up")


@pytest.fixture
async def resource():
    yield 1


@pytest.mark.anyio
async def test_async_fixture(resource):
    assert resource == 1


def test_no_anyio():
    assert 1 + 1 == 2
PY
cd "$tmp/proj"
pt() { "$py" -m pytest -p anyio.pytest_plugin -p cancelsim_py.pytest_plugin -p no:cacheprovider -q "$@"; }
pt --cancelsim-record "$tmp/rec" --cancelsim-record-virtual-time -W always >"$tmp/out" 2>&1
rc=$?
cd "$SRC"
nb=$(echo "$backends" | tr ',' '\n' | wc -l)
# test_fails fails on each backend, everything else passes
[ $rc = 1 ] && grep -q "^$nb failed, $((2 + 3 * nb)) passed" "$tmp/out" && ok ||
    bad "pytest --cancelsim-record: exit $rc: $(tail -3 "$tmp/out")"
grep -q "test_async_fixture.*is not recorded: its async fixtures (resource)" "$tmp/out" && ok ||
    bad "no warning for the test with an async fixture"
want="test_prog.py__test_sync_run.jsonl"
for b in $(echo "$backends" | tr -d '",'); do
    want="$want test_prog.py__test_move_on-$b.jsonl test_prog.py__test_fails-$b.jsonl test_prog.py__test_lost_error-$b.jsonl"
done
got=$(cd "$tmp/rec" 2>/dev/null && ls | sort | tr '\n' ' ')
[ "$got" = "$(echo $want | tr ' ' '\n' | sort | tr '\n' ' ')" ] && ok || bad "the traces written: '$got', want '$want'"

field() { "$py" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$@"; }
tr_json() { "$cs" trace --findings --format json "$1" >"$tmp/o.json" 2>"$tmp/err" || bad "trace $1: $(head -1 "$tmp/err")"; }
tr_json "$tmp/rec/test_prog.py__test_sync_run.jsonl"
[ "$(field "$tmp/o.json" '(d["end_time"], [l["msg"] for l in d["log"]], d["tasks"]["child"]["end"])')" = \
    "(3, ['child done', 'main done'], 3)" ] && ok || bad "test_sync_run's trace: $(cat "$tmp/o.json" | head -c 400)"
for b in $(echo "$backends" | tr -d '",'); do
    tr_json "$tmp/rec/test_prog.py__test_move_on-$b.jsonl"
    [ "$(field "$tmp/o.json" '(d["backend"], d["end_time"], [l["msg"] for l in d["log"]], d["findings"])')" = \
        "('$b', 2, ['moved on'], [])" ] && ok || bad "test_move_on ($b): $(head -c 400 "$tmp/o.json")"
    tr_json "$tmp/rec/test_prog.py__test_fails-$b.jsonl"
    [ "$(field "$tmp/o.json" '(d["tasks"]["boom"]["state"], d["tasks"]["boom"]["exception"]["message"], d["end_time"], "raised" in d["result"])')" = \
        "('failed', 'boom', 1, True)" ] && ok || bad "test_fails ($b): $(head -c 400 "$tmp/o.json")"
    tr_json "$tmp/rec/test_prog.py__test_lost_error-$b.jsonl"
    [ "$(field "$tmp/o.json" 'd["findings"]')" = "['lost_exception']" ] && ok ||
        bad "test_lost_error ($b): the planted lost exception: $(head -c 400 "$tmp/o.json")"
    "$cs" dot "$tmp/rec/test_prog.py__test_fails-$b.jsonl" --render svg -o "$tmp/g.svg" && grep -q '<svg' "$tmp/g.svg" && ok ||
        bad "dot --render svg of test_fails ($b)"
done
# without the option: nothing recorded, the tests run as before
cd "$tmp/proj"
pt -k "not fails" >"$tmp/out2" 2>&1
rc=$?
cd "$SRC"
[ $rc = 0 ] && [ ! -e "$tmp/proj/rec" ] && [ -z "$(find "$tmp/proj" -name '*.jsonl')" ] && ok ||
    bad "without --cancelsim-record: exit $rc or traces written: $(tail -2 "$tmp/out2")"
finish t_pytest_record
