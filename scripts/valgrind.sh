#!/usr/bin/env bash
# valgrind.sh [CANCELSIM] - the corpus under valgrind: no invalid read or
# write, no use of uninitialised memory, no leak.
#
# Without an argument, builds cancelsim without sanitizers (RelWithDebInfo:
# valgrind cannot run an ASan binary) into build-valgrind/ and uses that.
# Then, each under `valgrind --error-exitcode=99 --leak-check=full`:
#   - `cancelsim run FILE --backend both --format json` for every scenarios/**/*.json
#     (and `--trace` to /dev/null, so the JSON Lines writer is covered too);
#   - `cancelsim verify scenarios/TOPIC` for each topic (every file, both
#     backends, the findings checker's two runs each);
#   - `cancelsim check` on every tests/hostile/*.json (loader error paths);
#   - `cancelsim run` on every tests/crashers/*.json and tests/limits/*.json
#     (limit stops) with small limits;
#   - `explore`, `dot` (DOT, and SVG through Graphviz), `timeline` and, when the
#     build has it, `inject` on one small scenario each.
# Leaks of kinds definite, indirect and possible are errors; "still reachable"
# memory is not (libc, Graphviz's plugin registry and fontconfig keep caches
# for the life of the process).  tests/valgrind.supp suppresses what Graphviz's
# layout and text plugins lose themselves (as tests/lsan.supp does for ASan).
#
# Runs in parallel ($CS_VALGRIND_JOBS, default nproc); $CS_VALGRIND_OPTIONS
# adds valgrind options (e.g. --track-origins=yes to find where an
# uninitialised value came from; it doubles the time).  Prints one line per
# failing command with its log, a summary with the time taken, and exits 1 if
# anything failed.  Measured: 181 commands, 6.4 CPU-minutes, 6.5 minutes wall
# on 2 cores shared with other work (about half that expected on idle ones).
set -uo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

if ! command -v valgrind >/dev/null 2>&1; then
    echo "valgrind.sh: valgrind is not installed (apt-get install valgrind)" >&2
    exit 2
fi

if [ $# -ge 1 ]; then
    src="$1"
else
    cmake -S . -B build-valgrind -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCS_SANITIZE=OFF >/dev/null || exit 2
    cmake --build build-valgrind -j"$(nproc)" --target cancelsim >/dev/null || exit 2
    src="build-valgrind/cancelsim"
fi
jobs="${CS_VALGRIND_JOBS:-$(nproc)}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# a private copy: a rebuild while this runs must not pull the binary away
cp "$src" "$tmp/cancelsim" || exit 2
cs="$tmp/cancelsim"
start=$(date +%s)

# One command per line: the cancelsim arguments (no spaces inside arguments:
# the corpus and test file names have none).
{
    find scenarios -name '*.json' | sort | while read -r f; do
        echo "run $f --backend both --format json --trace /dev/null"
    done
    # verify per topic, so that the runs spread over the jobs
    for d in scenarios/*/; do
        ls "$d"*.json >/dev/null 2>&1 && echo "verify ${d%/}"
    done
    # (no trailing blank: xargs -L would join the next line to this one)
    echo "check $(find tests/hostile -name '*.json' | sort | tr '\n' ' ' | sed 's/ *$//')"
    for f in tests/crashers/*.json; do
        echo "run $f --format json --step-limit 20000 --task-limit 1000"
    done
    echo "run tests/limits/time.json --format json --time-limit 100"
    echo "run tests/limits/steps.json --format json --step-limit 1000"
    echo "run tests/limits/tasks.json --format json --task-limit 10"
    echo "run tests/limits/timers.json --format json --timer-limit 20"
    echo "run tests/limits/trace.json --format json --trace-limit 100 --trace /dev/null"
    echo "run tests/limits/depth.json --depth-limit 3"
    small=scenarios/taskgroup/sibling-failure-cancels-sibling.json
    echo "explore scenarios/schedules/schedule-points.json"
    echo "explore $small --format json"
    echo "dot $small --backend asyncio -o /dev/null"
    echo "dot $small --backend trio --render svg -o $tmp/graph.svg"
    echo "timeline $small --backend trio -o /dev/null"
    if "$cs" help inject >/dev/null 2>&1; then
        echo "inject $small"
    fi
} > "$tmp/commands"

# vg N ARGS...: run one command under valgrind, log to $tmp/N.log; print a
# FAIL line (and the log's errors) when valgrind found something.
cat > "$tmp/vg.sh" <<'EOF'
#!/usr/bin/env bash
n="$1"; shift
log="$TMPDIR_VG/$n.log"
valgrind --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect,possible \
    --errors-for-leak-kinds=definite,indirect,possible $VG_EXTRA \
    --suppressions="$ROOT_VG/tests/valgrind.supp" --log-file="$log" \
    "$CS_VG" "$@" >/dev/null 2>"$log.stderr"
rc=$?
if [ $rc -eq 99 ] || grep -q "Invalid \|uninitialised\|definitely lost: [1-9]\|indirectly lost: [1-9]\|possibly lost: [1-9]" "$log"; then
    echo "FAIL (valgrind): cancelsim $*"
    echo fail > "$TMPDIR_VG/$n.status"
    grep -E "^==[0-9]+== +(Invalid|Conditional|Use of|Syscall|[0-9,]+ bytes in|at |by )|lost:" "$log" | head -40
    exit 1
fi
# cancelsim's own exit status: 0, 1 (verify found a failing scenario, inject a
# breaking plan) and 2 (bad input: the hostile files, the depth limit) are
# answers; anything else (a signal) is not
if [ $rc -gt 2 ]; then
    echo "FAIL (exit $rc): cancelsim $*"
    echo fail > "$TMPDIR_VG/$n.status"
    tail -5 "$log.stderr"
    exit 1
fi
echo ok > "$TMPDIR_VG/$n.status"
EOF
chmod +x "$tmp/vg.sh"
export TMPDIR_VG="$tmp" ROOT_VG="$root" CS_VG="$cs" VG_EXTRA="${CS_VALGRIND_OPTIONS:-}"
total=$(wc -l < "$tmp/commands")
nl -ba -w1 -s' ' "$tmp/commands" | xargs -P "$jobs" -L 1 "$tmp/vg.sh"
# every command must have left "ok" (a command that left nothing: xargs or
# the shell failed to start it)
okn=0 n=0
while IFS= read -r line; do
    n=$((n + 1))
    if [ "$(cat "$tmp/$n.status" 2>/dev/null)" = ok ]; then
        okn=$((okn + 1))
    elif [ ! -e "$tmp/$n.status" ]; then
        echo "FAIL (did not run): cancelsim $line"
    fi
done < "$tmp/commands"
took=$(( $(date +%s) - start ))
echo "valgrind: $okn of $total commands clean in ${took}s ($src)"
[ "$okn" -eq "$total" ]
