#!/usr/bin/env bash
# t_html.sh CANCELSIM - `cancelsim verify --html` checked in a real browser.
# A small corpus (three scenarios in two folders, one with a planted wrong
# expectation) is verified into OUT.html; the page must be self-contained (no
# script, no stylesheet or image fetched, SVG inline), hold the failure first
# with its diff, explain chain and graph, and every folder collapsed; then
# headless Chromium loads it, and the DOM it builds, a screenshot that is not
# blank (tests/png_colours.py counts colours) and a console without errors are
# checked.  Two planted pages prove the checks can fail: one that throws, one
# that is blank.  Needs Debian's chromium: installed only when
# CS_INSTALL_BROWSER=1 (CI), else the test is skipped (exit 77).
# Prints "N passed, N failed".
set -u
cs="$1"
browser=""
for b in chromium chromium-browser; do command -v "$b" >/dev/null 2>&1 && { browser="$b"; break; }; done
if [ -z "$browser" ] && [ "${CS_INSTALL_BROWSER:-}" = 1 ]; then
    sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
    echo "t_html: installing chromium (CS_INSTALL_BROWSER=1)"
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium >/dev/null
    command -v chromium >/dev/null 2>&1 && browser=chromium
fi
if [ -z "$browser" ]; then
    echo "t_html: skipped: no chromium (apt-get install chromium, or run with CS_INSTALL_BROWSER=1)"
    exit 77
fi
. "$(dirname "$0")/testlib.sh"
png_colours="$(dirname "$0")/png_colours.py"

# browse URL OUT_PREFIX: screenshot OUT.png, DOM OUT.dom, browser log OUT.log
browse() {
    local flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
                 --disable-background-networking --disable-component-update --disable-sync
                 --user-data-dir="$(mktemp -d -p "$tmp")" --window-size=1000,1300)
    timeout 60 "$browser" "${flags[@]}" --enable-logging=stderr --v=0 --screenshot="$2.png" "$1" >"$2.log" 2>&1
    timeout 60 "$browser" "${flags[@]}" --dump-dom "$1" >"$2.dom" 2>>"$2.log"
}
# console_errors LOG: the page's own errors (uncaught exceptions, console.error)
console_errors() { grep -E 'Uncaught|CONSOLE\([0-9]+\).*(Error|error)|:ERROR:CONSOLE' "$1"; }
# not_blank PNG: many colours and more than 2% of pixels off the background
not_blank() {
    local w h colours ink
    read -r w h colours ink < <(python3 "$png_colours" "$1") || return 1
    [ "${colours:-0}" -ge 16 ] && [ "${ink:-0}" -ge 20 ]
}

mkdir -p "$tmp/corpus/taskgroup" "$tmp/corpus/shield"
cp scenarios/taskgroup/sibling-failure-cancels-sibling.json scenarios/taskgroup/host-body-raises.json "$tmp/corpus/taskgroup/"
sed 's/"end_time": 3,/"end_time": 4,/' scenarios/shield/shielded-cleanup-in-finally.json \
    >"$tmp/corpus/shield/planted-failure.json"
"$cs" verify "$tmp/corpus" --html "$tmp/report.html" >"$tmp/verify.out" 2>&1; rc=$?
[ "$rc" -eq 1 ] && ok || bad "verify with a planted failure: exit $rc, not 1"
page="$tmp/report.html"
[ -s "$page" ] && ok || bad "no report written"
# self-contained: no script, no external stylesheet, image or frame; the only
# URLs are the SVG's namespace names
if ! grep -qiE '<script|<link|<img|<iframe|@import|url\(' "$page" &&
   [ -z "$(grep -oE 'https?://[^"]*' "$page" | grep -vE '^http://www.w3.org/(2000/svg|1999/xlink)$')" ]; then ok
else bad "the page refers to something outside itself"; fi
grep -q '<svg' "$page" && ok || bad "no inline SVG graph"
grep -q 'prefers-color-scheme: dark' "$page" && ok || bad "no dark mode"
[ "$(grep -c '<div class="failure"' "$page")" -eq 2 ] && ok || bad "not two failure sections (one file, two backends)"
[ "$(grep -c '<details' "$page")" -eq 2 ] && ok || bad "not one <details> per folder"
# failures come before the list of scenarios, with diff, explain and replay
f1=$(grep -n 'class="failure"' "$page" | head -1 | cut -d: -f1)
d1=$(grep -n '<details' "$page" | head -1 | cut -d: -f1)
[ -n "$f1" ] && [ -n "$d1" ] && [ "$f1" -lt "$d1" ] && ok || bad "failures do not come first"
grep -q 'class="d">-   &quot;end_time&quot;: 4,' "$page" && grep -q 'class="a">+   &quot;end_time&quot;: 3,' "$page" &&
    ok || bad "the diff does not show end_time 4 against 3"
grep -q 'explain planted-failure (asyncio' "$page" && ok || bad "no explain chain"
grep -q 'cancelsim run .*planted-failure.json --backend asyncio' "$page" && ok || bad "no replay line"

browse "file://$page" "$tmp/page"
grep -q 'Failures (2)' "$tmp/page.dom" && grep -q '<svg' "$tmp/page.dom" && ok ||
    bad "the browser's DOM lacks the failures or the graph: $(head -c 300 "$tmp/page.dom")"
if [ -s "$tmp/page.png" ] && not_blank "$tmp/page.png"; then ok
else bad "the screenshot is blank or missing: $(python3 "$png_colours" "$tmp/page.png" 2>&1)"; fi
if console_errors "$tmp/page.log" >"$tmp/errs"; then bad "console errors: $(head -c 400 "$tmp/errs")"; else ok; fi

# the checks themselves: a page that throws, and a blank page
printf '<!DOCTYPE html><html><body><p>x</p><script>null.boom();</script></body></html>\n' >"$tmp/throws.html"
browse "file://$tmp/throws.html" "$tmp/throws"
console_errors "$tmp/throws.log" >/dev/null && ok || bad "a page that throws was not caught: $(tail -c 300 "$tmp/throws.log")"
printf '<!DOCTYPE html><html><body></body></html>\n' >"$tmp/blank.html"
browse "file://$tmp/blank.html" "$tmp/blank"
if [ -s "$tmp/blank.png" ] && ! not_blank "$tmp/blank.png"; then ok; else bad "a blank page passed as not blank"; fi
finish html
