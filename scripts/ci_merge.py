#!/usr/bin/env python3
"""ci_merge.py - merge the parts of a sharded cancelsim run (docs/ci.md).

    python3 scripts/ci_merge.py merge OUT PART...   # PART: a folder or a file
    python3 scripts/ci_merge.py check OUT           # exit 1 on a finding

`merge` reads every JUnit file (*.xml, from `verify --junit`) and every JSON
Lines file (*.jsonl, from `inject --format json`) found under the parts and
writes OUT/junit.xml and OUT/inject.jsonl:

- JUnit: the testsuites of one folder (same name) become one, the test cases
  ordered by classname and name, the counts and times summed again; the
  result passes junit-10.xsd as the parts do.
- JSON Lines: failures deduplicated on (file, backend, plan, kind) as
  docs/inject.md says, keeping the lowest `first_index` (so `first_plan`,
  `detail` and `replay` are what an unsharded sweep prints), `plans` summed; one summary per scenario file,
  its counts summed over the shards (`runs` is left out: each shard repeats
  the runs without faults), `shard` "merged".

`check` prints the totals and exits 1 when a test case failed or errored or a
sweep found a failing plan, 0 otherwise: the step that fails the pipeline.
Only the Python standard library is used.
"""
import json
import os
import sys
import xml.etree.ElementTree as ET


def parts(paths, ext):
    for p in paths:
        if os.path.isdir(p):
            for root, dirs, files in os.walk(p):
                dirs.sort()
                for f in sorted(files):
                    if f.endswith(ext):
                        yield os.path.join(root, f)
        elif p.endswith(ext):
            yield p


def case_status(tc):
    for tag in ("failure", "error", "skipped"):
        if tc.find(tag) is not None:
            return tag
    return "pass"


def merge_junit(files):
    suites = {}
    for f in files:
        for s in ET.parse(f).getroot().iter("testsuite"):
            d = suites.setdefault(s.get("name"), {"attrs": dict(s.attrib), "cases": []})
            d["cases"].extend(s.findall("testcase"))
    root = ET.Element("testsuites", {"name": "cancelsim verify"})
    tot = {"tests": 0, "failures": 0, "errors": 0, "time": 0.0}
    for name in sorted(suites):
        cases = sorted(suites[name]["cases"], key=lambda c: (c.get("classname", ""), c.get("name", "")))
        st = [case_status(c) for c in cases]
        t = sum(float(c.get("time", "0")) for c in cases)
        attrs = {k: v for k, v in suites[name]["attrs"].items() if k in ("name", "file")}
        attrs.update(tests=str(len(cases)), failures=str(st.count("failure")), errors=str(st.count("error")),
                     skipped=str(st.count("skipped")), time="%.3f" % t)
        s = ET.SubElement(root, "testsuite", attrs)
        s.text = "\n    "
        s.extend(cases)
        for c in cases:
            c.tail = "\n    "
        if cases:
            cases[-1].tail = "\n  "
        s.tail = "\n  "
        tot["tests"] += len(cases)
        tot["failures"] += st.count("failure")
        tot["errors"] += st.count("error")
        tot["time"] += t
    root.text = "\n  "
    if len(root):
        root[-1].tail = "\n"
    root.set("tests", str(tot["tests"]))
    root.set("failures", str(tot["failures"]))
    root.set("errors", str(tot["errors"]))
    root.set("time", "%.3f" % tot["time"])
    return ET.ElementTree(root)


def merge_jsonl(files):
    failures, summaries = {}, {}
    for f in files:
        with open(f, encoding="utf-8") as fh:
            for line in fh:
                if not line.strip():
                    continue
                d = json.loads(line)
                if "summary" in d:
                    s = d["summary"]
                    m = summaries.setdefault(s["file"], {
                        "scenario": s["scenario"], "file": s["file"], "backends": s["backends"],
                        "shard": "merged", "plans_total": s["plans_total"], "plans": 0, "failing": 0,
                        "kinds": set(), "complete": True, "not_swept": {}})
                    m["plans"] += s["plans"]
                    m["failing"] += s["failing"]
                    m["kinds"].update(s["kinds"])
                    m["complete"] = m["complete"] and s["complete"]
                    m["not_swept"].update(s.get("not_swept", {}))
                else:
                    key = (d["file"], d["backend"], d["plan"], d["kind"])
                    if key in failures:
                        plans = failures[key]["plans"] + d.get("plans", 1)
                        if d.get("first_index", 0) < failures[key].get("first_index", 0):
                            failures[key] = dict(d)
                        failures[key]["plans"] = plans
                    else:
                        failures[key] = dict(d)
    lines = []
    for key in sorted(failures):
        lines.append(failures[key])
    for name in sorted(summaries):
        m = summaries[name]
        m["distinct"] = sum(1 for k in failures if k[0] == name)
        m["kinds"] = sorted(m["kinds"])
        lines.append({"summary": m})
    return lines


def cmd_merge(out, paths):
    os.makedirs(out, exist_ok=True)
    xmls = list(parts(paths, ".xml"))
    jsonls = list(parts(paths, ".jsonl"))
    if not xmls and not jsonls:
        sys.exit("ci_merge.py: no *.xml or *.jsonl under " + " ".join(paths))
    if xmls:
        tree = merge_junit(xmls)
        with open(os.path.join(out, "junit.xml"), "wb") as fh:
            tree.write(fh, encoding="UTF-8", xml_declaration=True)
            fh.write(b"\n")
    with open(os.path.join(out, "inject.jsonl"), "w", encoding="utf-8") as fh:
        for d in merge_jsonl(jsonls):
            fh.write(json.dumps(d, ensure_ascii=False, separators=(",", ":")) + "\n")
    return 0


def cmd_check(out):
    bad = 0
    j = os.path.join(out, "junit.xml")
    if os.path.exists(j):
        r = ET.parse(j).getroot()
        f, e, t = int(r.get("failures", 0)), int(r.get("errors", 0)), int(r.get("tests", 0))
        print(f"verify: {t} test cases, {f} failed, {e} errors")
        bad |= f + e > 0
    i = os.path.join(out, "inject.jsonl")
    if os.path.exists(i):
        with open(i, encoding="utf-8") as fh:
            sums = [json.loads(l)["summary"] for l in fh if l.startswith('{"summary"')]
        failing = sum(s["failing"] for s in sums)
        print(f"inject: {len(sums)} scenarios swept, {failing} failing plans")
        bad |= failing > 0
    return 1 if bad else 0


def main(argv):
    if len(argv) >= 3 and argv[1] == "merge":
        return cmd_merge(argv[2], argv[3:])
    if len(argv) == 3 and argv[1] == "check":
        return cmd_check(argv[2])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
