#!/usr/bin/env bash
# t_tap.sh CANCELSIM - `cancelsim verify --tap` is TAP that Debian's `prove`
# (Test::Harness) reads: `prove --exec cat FILE` parses the saved output.  For
# the corpus (all pass) prove says "All tests successful" with one test per
# scenario and backend; for a folder with one planted failure (an expectation
# changed) and a message that needs quoting, prove parses it without a parse
# error, counts the failure (exit status 1, "Failed 1/N"), and the YAML
# diagnostics block parses as YAML (python3 yaml when present) and gives back
# the message.  Needs prove (perl); without it exits 77.  Prints "N passed,
# N failed".
set -u
cs="$1"
if ! command -v prove >/dev/null 2>&1; then
    echo "prove (perl's Test::Harness) is not installed: skipped"
    exit 77
fi
. "$(dirname "$0")/testlib.sh"

# the corpus: every line ok, no parse error
"$cs" verify scenarios --tap >"$tmp/corpus.tap" 2>"$tmp/err"; rc=$?
[ $rc -eq 0 ] && ok || bad "verify --tap scenarios: exit $rc"
head -1 "$tmp/corpus.tap" | grep -qx 'TAP version 13' && ok || bad "first line is not 'TAP version 13'"
prove --exec cat "$tmp/corpus.tap" >"$tmp/prove" 2>&1; rc=$?
[ $rc -eq 0 ] && ok || bad "prove on the corpus: exit $rc: $(tail -5 "$tmp/prove")"
grep -q '^All tests successful' "$tmp/prove" && ok || bad "prove on the corpus: $(tail -3 "$tmp/prove")"
n=$(grep -c '^ok ' "$tmp/corpus.tap")
grep -q "Tests=$n," "$tmp/prove" && [ "$n" -ge "$(find scenarios -name '*.json' | wc -l)" ] && ok \
    || bad "prove on the corpus: not $n tests: $(tail -2 "$tmp/prove")"

# one planted failure whose message holds quotes, a backslash and a colon
mkdir "$tmp/planted"
src=scenarios/taskgroup/sibling-failure-cancels-sibling.json
cp "$src" "$tmp/planted/fine.json"
python3 - "$src" "$tmp/planted/changed.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["expect"] = {"log": [{"msg": 'say "db error": \\ # not a directive'}]}
d["backends"] = ["asyncio"]
json.dump(d, open(sys.argv[2], "w"), indent=2)
PY
"$cs" verify "$tmp/planted" --tap >"$tmp/planted.tap" 2>&1; rc=$?
[ $rc -eq 1 ] && ok || bad "verify --tap with a planted failure: exit $rc, expected 1"
prove --exec cat "$tmp/planted.tap" >"$tmp/prove" 2>&1; rc=$?
[ $rc -eq 1 ] && ok || bad "prove with a planted failure: exit $rc, expected 1: $(tail -5 "$tmp/prove")"
grep -q 'Parse errors' "$tmp/prove" && bad "prove reports parse errors: $(grep -A2 'Parse errors' "$tmp/prove")" || ok
grep -q 'Failed 1/3 subtests' "$tmp/prove" && ok || bad "prove does not count one failure of 3: $(tail -5 "$tmp/prove")"
# prove -v shows the YAML block it parsed; the message survives the round trip
if python3 -c 'import yaml' 2>/dev/null; then
    python3 - "$tmp/planted.tap" <<'PY' && ok || bad "the YAML diagnostics do not parse as YAML"
import sys, yaml
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
i = lines.index("  ---")
j = lines.index("  ...", i)
doc = yaml.safe_load("\n".join(l[2:] for l in lines[i:j + 1]))
m = doc["message"]
assert m.startswith('log[0].msg: expected "say \\"db error\\": \\\\ # not a directive"'), m
assert doc["replay"].startswith("cancelsim run "), doc
PY
fi
perl -MTAP::Parser -e '
    my $p = TAP::Parser->new({ source => $ARGV[0] });
    while (my $r = $p->next) {
        if ($r->is_yaml) { my $m = $r->data->{message}; exit(($m =~ /db error/ && $m =~ /\\/) ? 0 : 1) }
    }
    exit 2' "$tmp/planted.tap" && ok || bad "TAP::Parser does not read the YAML message back"

finish tap
