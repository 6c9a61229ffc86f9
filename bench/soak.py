#!/usr/bin/env python3
"""Plots a soak run of 'ssemux-bench.jar soak' (its JSON): memory, file descriptors, streams and CPU
over time, with the warm-up shaded; prints a short summary. Usage: soak.py SOAK_JSON OUT_PNG"""
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

with open(sys.argv[1]) as f:
    run = json.load(f)
out = sys.argv[2]

MB = 1 << 20
samples = [s for s in run["samples"]]
t = [s["t"] / 60 for s in samples]
warm = run["warmupSeconds"] / 60
summary = run["summary"]
fig_ = run["figures"]


def col(name, scale=1.0):
    return [s[name] / scale for s in samples]


fig, axes = plt.subplots(4, 1, figsize=(10, 11), sharex=True, gridspec_kw={"height_ratios": [3, 2, 2, 2]})
forced = [h["t"] / 60 for h in run["liveHeap"] if 0 < h["t"] <= summary["durationSeconds"]]
for ax in axes:
    ax.axvspan(0, warm, color="0.92", zorder=0)
    ax.grid(True, alpha=0.3)
    for x in forced:  # each live-heap reading is a full GC forced on the server
        ax.axvline(x, color="0.6", linestyle="--", linewidth=0.7, zorder=1)

ax = axes[0]
ax.plot(t, col("rssBytes", MB), label="RSS", color="tab:red", linewidth=1.8)
ax.plot(t, col("heapCommittedBytes", MB), label="heap committed", color="tab:orange", linewidth=1.2)
ax.plot(t, col("heapUsedBytes", MB), label="heap used (stats)", color="tab:blue", linewidth=0.8, alpha=0.7)
live = [h for h in run["liveHeap"] if h["bytes"] > 0]
if live:
    ax.plot([h["t"] / 60 for h in live], [h["bytes"] / MB for h in live], "o", color="black",
            label="live heap after a full GC (jcmd; dashed lines)")
ax.set_ylabel("MB")
ax.set_ylim(bottom=0)
ax.legend(loc="upper left", fontsize=7, ncol=2, framealpha=0.9)
ax.text(warm / 2, ax.get_ylim()[1] * 0.02, "warm-up", ha="center", va="bottom", fontsize=8, color="0.4")

ax = axes[1]
ax.plot(t, col("fds"), label="open file descriptors", color="tab:purple")
ax.plot(t, col("sockets"), label="of which sockets", color="tab:green", linewidth=0.8)
ax.set_ylabel("descriptors")
ax.set_ylim(bottom=0)
ax.legend(loc="upper left", fontsize=8)

ax = axes[2]
ax.plot(t, col("streams"), label="open streams (server)", color="tab:cyan")
ax.set_ylabel("streams")
ax.set_ylim(bottom=0)
ax.legend(loc="upper left", fontsize=8)

ax = axes[3]
ax.plot(t, col("serverCpuPercent"), label="server CPU %", color="tab:red", linewidth=1)
ax.plot(t, col("soakCpuPercent"), label="load generator CPU %", color="tab:gray", linewidth=1)
ax.plot(t, col("othersCpuPercent"), label="everything else on the machine, CPU %", color="tab:brown", linewidth=1)
ax.set_ylabel("% of one core (2 cores)")
ax.set_ylim(0, 200)
ax2 = ax.twinx()
ax2.plot(t, col("load1"), color="black", linestyle=":", linewidth=1, label="1-min load average")
ax2.set_ylabel("load average")
ax2.set_ylim(bottom=0)
lines = ax.get_legend_handles_labels()
lines2 = ax2.get_legend_handles_labels()
ax.legend(lines[0] + lines2[0], lines[1] + lines2[1], loc="upper right", fontsize=7, ncol=2, framealpha=0.9)
ax.set_xlabel("minutes")

rss = fig_["rssMB"]
lh = fig_.get("liveHeapMB")
title = (f"ssemux soak, {run['summary']['durationSeconds'] / 60:.0f} min: RSS {rss['start']:.0f} → "
         f"{rss['warm']:.0f} (warm) → {rss['end']:.0f} MB (max {rss['max']:.0f})")
if lh:
    title += f"; live heap {lh['warm']:.1f} → {lh['end']:.1f} MB"
title += f"; 5xx: {summary['serverErrors']}"
fig.suptitle(title, fontsize=10)
fig.tight_layout()
fig.savefig(out, dpi=110)

print(f"soak {summary['durationSeconds'] / 60:.0f} min, warm-up {summary['warmupSeconds'] / 60:.1f} min")
print("| figure | start | after warm-up | end | after the load | max | trend after warm-up | flat |")
print("|---|---:|---:|---:|---:|---:|---:|---|")
for name, f in fig_.items():
    print(f"| {name} | {f['start']:.1f} | {f['warm']:.1f} | {f['end']:.1f} | {f['after']:.1f} | {f['max']:.1f} "
          f"| {f['slopePerHour']:+.2f}/h ({f['growthAfterWarmup']:+.2f}) | {'yes' if f['flat'] else 'NO'} |")
print(f"5xx: {summary['serverErrors']}, unexpected outcomes: {summary['problems']}, gaps: {summary['gaps']}, "
      f"duplicates: {summary['duplicates']}, resets: {summary['resets']}")
print(f"plot: {out}")
