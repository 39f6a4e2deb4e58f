#!/usr/bin/env python3
"""plot.py CURVE.tsv OUT.svg - the scaling curve of bench/run.sh as an SVG.

CURVE.tsv is what `CURVE=FILE bench/run.sh BUILD` writes (one row per
workload, backend and N).  Two panels, both against N on a log axis: engine
events per CPU second (the cost per event is flat when the lines are), and
peak RSS bytes per task (memory is linear when the lines are flat).  One line
per workload and backend (W1-W4; asyncio solid, Trio dashed).  No plotting
library needed: the SVG is written by hand.
"""
import csv
import math
import sys

COLORS = {"W1": "#1f77b4", "W2": "#d62728", "W3": "#2ca02c", "W4": "#9467bd"}


def load(path):
    series = {}
    with open(path) as f:
        for row in csv.DictReader(f, delimiter="\t"):
            if row["workload"] not in COLORS:
                continue
            key = (row["workload"], row["backend"])
            series.setdefault(key, []).append(
                (int(row["N"]), float(row["events_per_cpu_s"]), float(row["bytes_per_task"])))
    for v in series.values():
        v.sort()
    return series


def panel(out, x0, y0, w, h, series, idx, title, ylabel, yfmt):
    ns = sorted({p[0] for v in series.values() for p in v})
    ys = [p[idx] for v in series.values() for p in v if p[idx] > 0]
    if not ns or not ys:
        return
    lx0, lx1 = math.log10(min(ns)), math.log10(max(ns))
    if lx1 == lx0:
        lx1 = lx0 + 1
    ly0, ly1 = math.floor(math.log10(min(ys))), math.ceil(math.log10(max(ys)))
    if ly1 == ly0:
        ly1 = ly0 + 1
    X = lambda n: x0 + (math.log10(n) - lx0) / (lx1 - lx0) * w
    Y = lambda y: y0 + h - (math.log10(y) - ly0) / (ly1 - ly0) * h
    out.append(f'<rect x="{x0}" y="{y0}" width="{w}" height="{h}" fill="none" stroke="#888"/>')
    out.append(f'<text x="{x0 + w / 2}" y="{y0 - 10}" text-anchor="middle" font-size="14">{title}</text>')
    out.append(f'<text x="{x0 - 55}" y="{y0 + h / 2}" text-anchor="middle" font-size="12" '
               f'transform="rotate(-90 {x0 - 55} {y0 + h / 2})">{ylabel}</text>')
    for n in ns:
        out.append(f'<line x1="{X(n):.1f}" y1="{y0 + h}" x2="{X(n):.1f}" y2="{y0 + h + 5}" stroke="#888"/>')
        out.append(f'<text x="{X(n):.1f}" y="{y0 + h + 18}" text-anchor="middle" font-size="11">{n:.0e}</text>')
    for d in range(ly0, ly1 + 1):
        for m in (1, 2, 5):
            y = m * 10 ** d
            if y < 10 ** ly0 or y > 10 ** ly1:
                continue
            out.append(f'<line x1="{x0}" y1="{Y(y):.1f}" x2="{x0 + w}" y2="{Y(y):.1f}" stroke="#eee"/>')
            out.append(f'<text x="{x0 - 6}" y="{Y(y) + 4:.1f}" text-anchor="end" font-size="10">{yfmt(y)}</text>')
    out.append(f'<text x="{x0 + w / 2}" y="{y0 + h + 36}" text-anchor="middle" font-size="12">N (tasks)</text>')
    for (wl, be), pts in sorted(series.items()):
        pts = [p for p in pts if p[idx] > 0]
        if not pts:
            continue
        d = " ".join(f"{'M' if i == 0 else 'L'}{X(p[0]):.1f},{Y(p[idx]):.1f}" for i, p in enumerate(pts))
        dash = ' stroke-dasharray="6,4"' if be == "trio" else ""
        out.append(f'<path d="{d}" fill="none" stroke="{COLORS[wl]}" stroke-width="2"{dash}/>')
        for p in pts:
            out.append(f'<circle cx="{X(p[0]):.1f}" cy="{Y(p[idx]):.1f}" r="3" fill="{COLORS[wl]}"/>')


def si(y):
    for div, suf in ((1e6, "M"), (1e3, "k")):
        if y >= div:
            return f"{y / div:g}{suf}"
    return f"{y:g}"


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    series = load(sys.argv[1])
    W, H = 980, 430
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif">',
           f'<rect width="{W}" height="{H}" fill="white"/>']
    panel(out, 90, 40, 340, 300, series, 1, "engine events per CPU second", "events / CPU s", si)
    panel(out, 580, 40, 340, 300, series, 2, "peak RSS per task", "bytes / task", si)
    lx = 90
    for i, ((wl, be), _) in enumerate(sorted(series.items())):
        x = lx + (i % 4) * 200
        y = 395 + (i // 4) * 18
        dash = ' stroke-dasharray="6,4"' if be == "trio" else ""
        out.append(f'<line x1="{x}" y1="{y}" x2="{x + 30}" y2="{y}" stroke="{COLORS[wl]}" stroke-width="2"{dash}/>')
        out.append(f'<text x="{x + 36}" y="{y + 4}" font-size="12">{wl} {be}</text>')
    out.append("</svg>")
    with open(sys.argv[2], "w") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
