#!/usr/bin/env python3
"""Draws the main comparisons of target/bench/latest.json as one PNG (matplotlib, from the
venv scripts/bench makes): each bar is Kunci's number divided by the peer's (or by the limit,
where there is no peer) measured in the same run; the black tick is the target. Shorter is
better everywhere.

    scripts/bench-chart.py [target/bench/latest.json] [docs/benchmarks.png]
"""

import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def bars(r):
    """(label, value, target) rows from latest.json; rows whose inputs are missing are left out."""
    out = []
    eng = r.get("qr", {})
    k, z = eng.get("kunci", {}), eng.get("zxing-cpp", {})
    w = r.get("whole_process", {}).get("times", {})
    if w.get("kunci") and w.get("zxing-cpp"):
        out.append(("Scan 201 photos, whole process\n÷ zxing-cpp + Python",
                    w["kunci"]["median_s"] / w["zxing-cpp"]["median_s"], 0.5))
    for q, label in (("median_ms", "median"), ("p90_ms", "p90")):
        if k.get(q) and z.get(q):
            out.append((f"Decode one photo, {label}\n÷ zxing-cpp", k[q] / z[q], 1.5))
    for key in ("1080p no code", "1080p with code"):
        f = r.get("frames", {}).get(key, {})
        if f.get("kunci", {}).get("median_ms") and f.get("zxing-cpp", {}).get("median_ms"):
            out.append((f"Camera frame {key}\n÷ zxing-cpp", f["kunci"]["median_ms"] / f["zxing-cpp"]["median_ms"], None))
    s = r.get("startup", {})
    if s.get("kunci") and s.get("oathtool"):
        out.append(("`kunci code URI`, whole process\n÷ oathtool", s["kunci"]["median_ms"] / s["oathtool"]["median_ms"], 1.0))
    size = r.get("size", {}).get("stripped_cdylib_bytes")
    if size:
        out.append(("libkunci.so, stripped\n÷ 3 MiB", size / (3 * 1024 * 1024), 1.0))
    per = r.get("codes", {}).get("per_extra_account_us", {})
    total = per.get("open_list_codes") or per.get("total")
    if total:
        out.append(("Vault open + codes, per extra account\n÷ 2 µs", total / 2.0, 1.0))
    worst = [m for m in r.get("memory_worst", []) if "peak_rss_kib" in m]
    if worst:
        top = max(m["peak_rss_kib"] for m in worst) * 1024
        out.append(("Peak memory, worst picture\n÷ 200 MB", top / 200e6, 1.0))
    return out


def main(src, dst):
    r = json.load(open(src))
    rows = bars(r)
    if not rows:
        print("bench-chart: nothing to draw", file=sys.stderr)
        return 1
    fig, ax = plt.subplots(figsize=(8, 0.55 * len(rows) + 1.6), dpi=110)
    ys = list(range(len(rows)))[::-1]
    colours = ["#2a7f62" if t is None or v <= t else "#c0392b" for _, v, t in rows]
    ax.barh(ys, [v for _, v, _ in rows], color=colours, height=0.6)
    for y, (_, v, t) in zip(ys, rows):
        ax.text(v, y, f" {v:.2f}", va="center", fontsize=8)
        if t is not None:
            ax.plot([t, t], [y - 0.4, y + 0.4], color="black", linewidth=2)
    ax.axvline(1.0, color="grey", linewidth=0.8, linestyle=":")
    ax.set_yticks(ys, [label for label, _, _ in rows], fontsize=8)
    ax.set_xlabel("Kunci ÷ peer or limit, same run (shorter is better; black tick = target)")
    # The 1-minute load while the sections ran (the start is before the build: not the load the
    # timings saw).
    loads = [float(l["loadavg"].split()[0]) for l in r.get("machine", {}).get("loadavg", [])
             if l.get("section") not in ("start", "end")]
    load = f"load {min(loads):.1f}–{max(loads):.1f}" if loads else "load ?"
    ax.set_title(f"Kunci {r.get('versions', {}).get('kunci', '')} · {r.get('mode')} run · "
                 f"{load} on {r.get('machine', {}).get('nproc')} cores", fontsize=9)
    fig.tight_layout()
    fig.savefig(dst)
    print(f"bench-chart: wrote {dst}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "target/bench/latest.json",
                  sys.argv[2] if len(sys.argv) > 2 else "docs/benchmarks.png"))
