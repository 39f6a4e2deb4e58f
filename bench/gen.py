#!/usr/bin/env python3
"""gen.py WORKLOAD N OUTDIR - write a "Performance at scale" workload scenario.

Prints the path written (for W6, the directory holding the N files).

  W1  one task group, N tasks each `sleep` uniform[0,100)
  W2  N tasks x 10 sleeps, each uniform[0,100)
  W3  N tasks `sleep_forever`; the host (main) cancels the group at t=1
  W4  N children, child k raises at time k mod 100.  The format has no
      per-index value, so this is 100 `start_soon` statements c0..c99, the j-th
      with `count` N/100 and a fixed `sleep` j before the raise: the same number
      of children failing at each instant as "k mod 100", only spawned grouped
      by raise time instead of interleaved.  (N must be a multiple of 100.)
  W5  N nested cancel scopes in one task (N is the depth D); the innermost body
      cancels the outermost scope and checkpoints, so the cancellation is
      delivered through all D scopes.  The loader takes JSON nested to 2048
      levels (Jansson) and each scope costs two levels, so D <= about 1000.
  W6  N small scenario files (three children, one fails, siblings cancelled,
      with `expect`) in OUTDIR/w6-N/, for `cancelsim verify DIR`.
"""
import json
import os
import sys

U = {"uniform": [0, 100]}


def w1(n):
    return [{"task_group": "tg", "body": [
        {"start_soon": "t", "count": n, "body": [{"sleep": U}]}]}]


def w2(n):
    return [{"task_group": "tg", "body": [
        {"start_soon": "t", "count": n, "body": [{"repeat": 10, "body": [{"sleep": U}]}]}]}]


def w3(n):
    return [{"task_group": "tg", "body": [
        {"start_soon": "t", "count": n, "body": ["sleep_forever"]},
        {"sleep": 1},
        {"cancel": "tg", "reason": "host"}]}]


def w4(n):
    if n % 100:
        sys.exit("W4: N must be a multiple of 100")
    return [{"task_group": "tg", "body": [
        {"start_soon": f"c{j}", "count": n // 100,
         "body": [{"sleep": j}, {"raise": "ValueError", "message": f"t{j}"}]}
        for j in range(100)]}]


def w5(d):
    # Built as text: Python's json module recurses once per nesting level.
    inner = '{"cancel":"s0"},"checkpoint",{"log":"not reached"}'
    opens = "".join(f'{{"cancel_scope":"s{i}","body":[' for i in range(d))
    return (f'{{"format":1,"name":"w5-{d}","main":[{opens}{inner}{"]}" * d},'
            '{"probe":"cancelled_caught","scope":"s0"}]}')


def w6_file(i):
    fail_at = 1 + i % 5
    return {
        "format": 1,
        "name": f"small-{i}",
        "description": "Three children; one fails, its siblings are cancelled.",
        "main": [{"task_group": "tg", "body": [
            {"start_soon": "a", "body": [{"sleep": fail_at}, {"raise": "ValueError", "message": "boom"}]},
            {"start_soon": "b", "body": [{"sleep": 10}]},
            {"start_soon": "c", "body": [{"move_on_after": 0.5, "id": "m", "body": ["sleep_forever"]},
                                         {"sleep": 20}]}]}],
        "expect": {
            "result": {"raised": {"type": "ExceptionGroup", "message": "unhandled errors in a TaskGroup",
                                  "exceptions": [{"type": "ValueError", "message": "boom"}]}},
            "end_time": fail_at,
            "tasks": {"a": {"state": "failed", "end": fail_at},
                      "b": {"state": "cancelled", "end": fail_at},
                      "c": {"state": "cancelled", "end": fail_at}},
            "scopes": {"m": {"kind": "move_on", "cancel_called": True, "cancelled_caught": True}},
        },
        "expect_by_backend": {"trio": {"result": {"raised": {
            "type": "ExceptionGroup", "message": "Exceptions from Trio nursery",
            "exceptions": [{"type": "ValueError", "message": "boom"}]}}}},
    }


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    wl, n, out = sys.argv[1].upper(), int(sys.argv[2]), sys.argv[3]
    os.makedirs(out, exist_ok=True)
    if wl == "W6":
        d = os.path.join(out, f"w6-{n}")
        os.makedirs(d, exist_ok=True)
        for i in range(n):
            with open(os.path.join(d, f"small-{i:05d}.json"), "w") as f:
                json.dump(w6_file(i), f)
        print(d)
        return
    path = os.path.join(out, f"{wl.lower()}-{n}.json")
    if wl == "W5":
        text = w5(n)
    else:
        gen = {"W1": w1, "W2": w2, "W3": w3, "W4": w4}[wl]
        text = json.dumps({"format": 1, "name": f"{wl.lower()}-{n}", "main": gen(n)},
                          separators=(",", ":"))
    with open(path, "w") as f:
        f.write(text)
    print(path)


if __name__ == "__main__":
    main()
