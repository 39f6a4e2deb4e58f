#!/usr/bin/env python3
"""random_scope_misuse.py CANCELSIM FIRST COUNT - differential check of cancel
scopes entered and exited by hand (issue 19: scope_enter, scope_exit): COUNT
random scenarios (seeds FIRST..), each main (and, in some, a child task that
leaves its scopes entered) entering scopes by hand with random deadlines and
shields, exiting them in random order (twice, out of order, the RuntimeError
caught or not), inside `cancel_scope` blocks with deadlines whose own exits
then meet the scopes left entered, between sleeps.  Each is run on real AnyIO
(tools/anyio_reference.py, needs PYTHONPATH with anyio and trio) and by
cancelsim on both backends, and the outcomes are compared (a cancellation's
message aside, as section 3 of the format says).  Prints a line per scenario
that differs; exit 1 if any does.  Not a ctest: real AnyIO is slow.
"""
import random

from random_compare import compare_main



def scenario(seed):
    r = random.Random(seed)
    names = []  # scopes entered earlier in this body or the bodies around it
    cnt = [0]

    def stmts(depth, n):
        saved = len(names)
        out = []
        for _ in range(n):
            k = r.random()
            if k < 0.3:
                nm = f"s{cnt[0]}"
                cnt[0] += 1
                names.append(nm)
                st = {"scope_enter": nm}
                if r.random() < 0.4:
                    st["deadline"] = r.choice([0.5, 1.5, 3])
                if r.random() < 0.15:
                    st["shield"] = True
                out.append(st)
            elif k < 0.55 and names:
                ex = {"scope_exit": r.choice(names)}
                if r.random() < 0.6:
                    ex = {"try": [ex], "except": [{"match": "RuntimeError",
                                                   "body": [{"log": "refused " + ex["scope_exit"]}]}]}
                out.append(ex)
            elif k < 0.75:
                out.append({"sleep": r.choice([0.25, 1, 2])})
            elif k < 0.9 and depth < 2:
                nm = f"w{cnt[0]}"
                cnt[0] += 1
                st = {"cancel_scope": nm, "body": stmts(depth + 1, r.randint(1, 4))}
                if r.random() < 0.5:
                    st["deadline"] = r.choice([0.5, 1.5, 3])
                if r.random() < 0.5:
                    st = {"try": [st], "except": [{"match": "RuntimeError", "body": [{"log": "with failed " + nm}]}]}
                out.append(st)
            else:
                out.append({"log": f"at {cnt[0]}"})
                cnt[0] += 1
        del names[saved:]
        return out

    main = stmts(0, r.randint(3, 8))
    if r.random() < 0.3:
        names.clear()
        main = [{"task_group": "tg", "body": [{"start_soon": "child", "body": stmts(1, r.randint(1, 3))}]}] + main
    return {"format": 1, "name": f"r{seed}", "main": main}


if __name__ == "__main__":
    compare_main("random_scope_misuse", scenario)
