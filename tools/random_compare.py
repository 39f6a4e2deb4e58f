#!/usr/bin/env python3
"""random_compare.py - the loop the random differential checks share
(random_generators.py, random_scope_misuse.py): for seeds FIRST..FIRST+COUNT-1,
write scenario(seed) to a file, run it on real AnyIO (tools/anyio_reference.py,
needs PYTHONPATH with anyio and trio) and by cancelsim on both backends, and
compare the outcomes (a cancellation's message aside, as section 3 of the
format says).  Prints a line per scenario that differs and a summary; the
exit status is 1 if any does.  A script using it passes only its generator:

    from random_compare import compare_main
    compare_main("random_x", scenario)   # argv: CANCELSIM FIRST COUNT
"""
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def norm(x):
    """x without the messages of cancellations (they differ by design)."""
    if isinstance(x, dict):
        d = {k: norm(v) for k, v in x.items()}
        if d.get("type") in ("CancelledError", "Cancelled"):
            d.pop("message", None)
        return d
    if isinstance(x, list):
        return [norm(v) for v in x]
    return x


def compare_one(cs, path, seed, timeout=120):
    """The line saying how scenario `seed` (at path) differs, or None."""
    ref = subprocess.run([sys.executable, os.path.join(HERE, "anyio_reference.py"), path, "--backend", "both"],
                         capture_output=True, text=True, timeout=timeout)
    got = subprocess.run([cs, "run", path, "--backend", "both", "--format", "json"], capture_output=True,
                         text=True, timeout=timeout)
    if ref.returncode or got.returncode:
        return (f"seed {seed}: reference exit {ref.returncode}, cancelsim exit {got.returncode}: "
                f"{(ref.stderr or got.stderr).strip()[-200:]}")
    for a, b in zip(json.loads(ref.stdout), json.loads(got.stdout)):
        a, b = norm(a), norm(b)
        diff = [k for k in a if a[k] != b.get(k)]
        if diff:
            return (f"seed {seed} ({a['backend']}): {diff[0]}: real {json.dumps(a[diff[0]])[:200]}, "
                    f"cancelsim {json.dumps(b.get(diff[0]))[:200]}")
    return None


def compare_main(name, scenario, argv=None, timeout=120):
    """Runs the check over argv (CANCELSIM FIRST COUNT; sys.argv[1:] when
    None) with scenario(seed) -> the scenario document, and exits."""
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 3:
        sys.exit(f"usage: {name}.py CANCELSIM FIRST COUNT")
    cs, first, count = argv[0], int(argv[1]), int(argv[2])
    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(first, first + count):
            path = os.path.join(tmp, f"r{seed}.json")
            with open(path, "w") as f:
                json.dump(scenario(seed), f)
            line = compare_one(cs, path, seed, timeout)
            if line:
                print(line, flush=True)
                bad += 1
    print(f"{name}: {count} scenarios, {bad} differ")
    sys.exit(1 if bad else 0)
