#!/usr/bin/env python3
"""random_generators.py CANCELSIM FIRST COUNT - differential check of async
generators (issue 19): COUNT random scenarios (seeds FIRST..), each a generator
function with yields inside random cancel scopes, move_on_after, task groups
with failing children, try/except/finally (awaits in finally), a nested
@asynccontextmanager, used by async_with or aclosing from a called function
whose body sleeps, raises, breaks, continues or returns; each is run on real
AnyIO (tools/anyio_reference.py, needs PYTHONPATH with anyio and trio) and by
cancelsim on both backends, and the outcomes are compared (a cancellation's
message aside, as section 3 of the format says).  Prints a line per scenario
that differs; exit 1 if any does.  Not a ctest: real AnyIO is slow.
"""
import random

from random_compare import compare_main

def dur(r):
    return r.choice([0, 0.5, 1, 1.5, 2, 3])


def gen_body(r, depth, yields):
    """A random generator body; yields[0] counts the yields still to place."""
    out = []
    for _ in range(r.randint(1, 5)):
        k = r.random()
        if k < 0.25 and yields[0] > 0:
            out.append({"yield": r.randint(0, 9)}); yields[0] -= 1
        elif k < 0.4:
            out.append({"sleep": dur(r)})
        elif k < 0.5:
            out.append({"log": f"g{r.randint(0,99)}"})
        elif k < 0.62 and depth < 3:
            out.append({"move_on_after": dur(r), "body": gen_body(r, depth+1, yields)})
        elif k < 0.7 and depth < 3:
            out.append({"cancel_scope": f"cs{r.randint(0,10**6)}", "shield": r.random()<0.3, "body": gen_body(r, depth+1, yields)})
        elif k < 0.8 and depth < 3:
            body = [{"start_soon": f"c{r.randint(0,10**6)}", "body": [{"sleep": dur(r)}] + ([{"raise": "KeyError", "message": "child"}] if r.random()<0.4 else [{"log": "child ok"}])}]
            body += gen_body(r, depth+1, yields)
            out.append({"task_group": f"tg{r.randint(0,10**6)}", "body": body})
        elif k < 0.92 and depth < 3:
            t = {"try": gen_body(r, depth+1, yields)}
            if r.random() < 0.5:
                t["except"] = [{"match": r.choice(["ValueError", "GeneratorExit", "Cancelled", "Exception"]), "body": [{"log": "gen caught"}] + (["reraise"] if r.random()<0.6 else [])}]
            if r.random() < 0.6 or "except" not in t:
                t["finally"] = [{"log": "gen finally"}] + ([{"sleep": dur(r)}] if r.random()<0.4 else [])
            out.append(t)
        elif k < 0.96 and depth < 3:
            out.append({"async_with": "h", "body": gen_body(r, depth+1, yields)})
        else:
            out.append({"raise": "ValueError", "message": "gen"} if r.random()<0.15 else {"log": "g"})
    return out

def consumer(r, kind):
    """The body of the async_with / async for."""
    b = [{"log": "body"}]
    for _ in range(r.randint(0, 4)):
        k = r.random()
        if k < 0.5: b.append({"sleep": dur(r)})
        elif k < 0.65: b.append({"raise": "ValueError", "message": "body"})
        elif k < 0.8 and kind == "aclosing": b.append("break")
        elif k < 0.9 and kind == "aclosing": b.append("continue")
        elif k < 0.95: b.append({"return": "r"})
        else: b.append({"log": "b2"})
    return b

def scenario(i):
    """Scenario number i (its seed)."""
    r = random.Random(i)
    kind = r.choice(["async_with", "aclosing"])
    y0 = r.randint(1, 3)
    yields = [y0]
    g = gen_body(r, 0, yields)
    if yields[0] == y0:
        g.insert(r.randint(0, len(g)), {"yield": 0})
    st = {kind: "g", "body": consumer(r, kind)}
    h = [{"log": "h in"}, {"try": [{"yield": "h"}], "finally": [{"log": "h out"}] + ([{"sleep": 0.5}] if r.random() < 0.5 else [])}]
    main = [{"call": "f", "as": "rv"}, {"print": ["f gave", {"name": "rv"}]}]
    if r.random() < 0.5:
        main = [{"move_on_after": dur(r)+0.25, "body": main}, {"log": "end"}]
    if r.random() < 0.5:
        main = [{"try": main, "except": [{"match": "Exception", "body": [{"log": "main caught"}]}]}]
    doc = {"format": 1, "name": f"r{i}", "functions": {"g": g, "h": h, "f": [st, {"log": "after"}]}, "main": main}
    return doc


if __name__ == "__main__":
    compare_main("random_generators", scenario)
