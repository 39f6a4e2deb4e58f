"""compare.py - where a recorded run and the simulated run of a scenario part
ways: a front for `cancelsim compare SCENARIO TRACE.jsonl` (verify/compare.c
holds the logic since cancelsim has the command; this module keeps the
command line it had):

    python3 -m cancelsim_record.compare SCENARIO TRACE.jsonl [--cancelsim PATH] [--backend B]

Exit status as the command's: 0 the same, 1 they differ, 2 bad input.
"""
import argparse
import os
import subprocess
import sys


def main(argv):
    p = argparse.ArgumentParser(prog="python3 -m cancelsim_record.compare")
    p.add_argument("scenario")
    p.add_argument("trace")
    p.add_argument("--cancelsim", default=os.environ.get("CANCELSIM", "cancelsim"))
    p.add_argument("--backend", choices=("asyncio", "trio"))
    a = p.parse_args(argv)
    cmd = [a.cancelsim, "compare", a.scenario, a.trace] + (["--backend", a.backend] if a.backend else [])
    try:
        return subprocess.run(cmd).returncode
    except OSError as e:
        sys.stderr.write("cancelsim_record.compare: cannot run %s: %s\n" % (a.cancelsim, e))
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
