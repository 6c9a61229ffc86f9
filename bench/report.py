#!/usr/bin/env python3
"""Turns the JSON results of bench/run.sh into results.md (ssemux next to Nchan, with ratios) and
chart.png (latency and deliveries per CPU-second against streams). Usage: report.py RESULTS_DIR"""
import glob
import json
import os
import re
import statistics
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

results_dir = sys.argv[1]
runs = {}
for path in glob.glob(os.path.join(results_dir, "*.json")):
    name = os.path.basename(path)[:-5]
    if name.endswith(".heap"):
        continue
    with open(path) as f:
        data = json.load(f)
    if not isinstance(data, dict) or "lost" not in data:
        continue  # not a load run: jmh.json, soak.json
    runs[name] = data
    heap = os.path.join(results_dir, name + ".heap.json")
    if os.path.exists(heap):
        with open(heap) as f:
            runs[name]["heap"] = json.load(f)


# Repeated runs (label-rN) become one: the median of each figure, with every run's p99 kept.
groups = {}
for name, r in runs.items():
    groups.setdefault(re.sub(r"-r\d+", "", name), []).append(r)
runs = {}
for name, group in groups.items():
    merged = dict(group[0])
    for key, value in group[0].items():
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            merged[key] = statistics.median(g[key] for g in group)
    merged["runs"] = len(group)
    merged["uncleanRuns"] = [g["label"] for g in group
                             if g["lost"] or g["gaps"] or g["duplicates"] or g["failed"] or g["closedEarly"]]
    merged["p99s"] = sorted(g["latencyP99"] for g in group)
    runs[name] = merged


def kb(b):
    return f"{b / 1024:.2f} KB"


def ratio(a, b):
    return f"{a / b:.2f}×" if b else "–"


def heap_per_stream(r):
    h = r.get("heap")
    return (h["heapIdle"] - h["heapBase"]) / r["connected"] if h else None


def clean(r):
    return "yes" if not r["uncleanRuns"] else "NO: " + ", ".join(r["uncleanRuns"])


out = []
servers = [("ssemux (JDK 17)", ""), ("ssemux (JDK 25, compact headers)", "-jdk25"), ("ssemux, flush window (50 ms at 1k, 250 ms at 10k)", "-window")]

r_n = runs.get("idle19k-nchan")
out.append("### Memory: 19,000 idle streams\n")
out.append("| server | streams | RSS / stream | vs Nchan | heap / stream (after full GC) | heap after close vs before | load |")
out.append("|---|---:|---:|---:|---:|---:|---:|")
for title, suffix in servers[:2]:
    r = runs.get("idle19k-ssemux" + suffix)
    if r:
        h = r.get("heap")
        heap = kb(heap_per_stream(r)) if h else "–"
        after = f"{(h['heapEnd'] - h['heapBase']) / 1048576:+.1f} MB" if h else "–"
        versus = ratio(r["rssPerConnection"], r_n["rssPerConnection"]) if r_n else "–"
        out.append(f"| {title} | {r['connected']:,} | {kb(r['rssPerConnection'])} | {versus} | {heap} | {after} "
                   f"| {r['loadBefore']:.2f} |")
if r_n:
    out.append(f"| Nchan (nginx, 1 worker) | {r_n['connected']:,} | {kb(r_n['rssPerConnection'])} | 1.00× | – | – | {r_n['loadBefore']:.2f} |")
out.append("")

for scenario, heading in (("fanout1k", "1,000 streams × 100 events/s"), ("fanout10k", "10,000 streams × 10 events/s")):
    n = runs.get(scenario + "-nchan")
    out.append(f"### Fan-out: {heading}\n")
    out.append("| server | runs | delivered / expected | exactly once | deliveries / server CPU-s | vs Nchan | kernel share "
               "| p50 ms | p99 ms | vs Nchan | p99 of each run | p99.9 ms | load before → after |")
    out.append("|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---|---:|---:|")
    rows = [(t, runs.get(scenario + "-ssemux" + s)) for t, s in servers] + [("Nchan (nginx, 1 worker)", n)]
    for title, r in rows:
        if not r:
            continue
        sys_share = r["serverSystemSeconds"] / r["serverCpuSeconds"] if r["serverCpuSeconds"] else 0
        out.append(f"| {title} | {r['runs']} | {r['delivered']:,.0f} / {r['expected']:,.0f} | {clean(r)} | {r['deliveriesPerCpuSecond']:,.0f} | "
                   f"{ratio(r['deliveriesPerCpuSecond'], n['deliveriesPerCpuSecond']) if n else '–'} | {sys_share:.0%} | "
                   f"{r['latencyP50']:.1f} | {r['latencyP99']:.1f} | {ratio(r['latencyP99'], n['latencyP99']) if n else '–'} | "
                   f"{', '.join(f'{p:.1f}' for p in r['p99s'])} | "
                   f"{r['latencyP999']:.1f} | {r['loadBefore']:.2f} → {r['loadAfter']:.2f} |")
    out.append("")

sweep = sorted((r for k, r in runs.items() if k.startswith("sweep")), key=lambda r: r["connections"])
if sweep:
    out.append("### Sweep: 100,000 deliveries/s spread over more and more streams\n")
    out.append("| server | streams | ev/s | exactly once | deliveries / CPU-s | p50 ms | p99 ms | RSS / stream | load |")
    out.append("|---|---:|---:|---|---:|---:|---:|---:|---:|")
    for r in sorted(sweep, key=lambda r: (r["target"], r["connections"])):
        out.append(f"| {r['target'].lower()} | {r['connected']:,} | {r['rate']:.0f} | {clean(r)} | {r['deliveriesPerCpuSecond']:,.0f} | "
                   f"{r['latencyP50']:.1f} | {r['latencyP99']:.1f} | {kb(r['rssPerConnection'])} | {r['loadBefore']:.2f} |")
    out.append("")

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.2))
    for target, colour in (("SSEMUX", "tab:blue"), ("NCHAN", "tab:orange")):
        points = [r for r in sweep if r["target"] == target]
        if not points:
            continue
        xs = [r["connections"] for r in points]
        label = "ssemux" if target == "SSEMUX" else "Nchan (1 worker)"
        ax1.plot(xs, [r["latencyP99"] for r in points], "o-", color=colour, label=label + " p99")
        ax1.plot(xs, [r["latencyP50"] for r in points], "o--", color=colour, alpha=0.6, label=label + " p50")
        ax2.plot(xs, [r["deliveriesPerCpuSecond"] / 1000 for r in points], "o-", color=colour, label=label)
    ax1.set_title("publish → receive latency")
    ax1.set_xlabel("streams (100k deliveries/s in all)")
    ax1.set_ylabel("ms")
    ax1.set_yscale("log")
    ax1.grid(True, alpha=0.3)
    ax1.legend(fontsize=8)
    ax2.set_title("deliveries per server CPU-second")
    ax2.set_xlabel("streams (100k deliveries/s in all)")
    ax2.set_ylabel("thousands")
    ax2.set_ylim(bottom=0)
    ax2.grid(True, alpha=0.3)
    ax2.legend(fontsize=8)
    fig.suptitle("ssemux vs Nchan, same load generator, 2-core machine shared with it", fontsize=10)
    fig.tight_layout()
    fig.savefig(os.path.join(results_dir, "chart.png"), dpi=110)

with open(os.path.join(results_dir, "results.md"), "w") as f:
    f.write("\n".join(out) + "\n")
print("\n".join(out))
