#!/usr/bin/env python3
"""Merges alternating QR corpus rounds into one result per side.

scripts/bench runs Kunci's QR pass and the peers' in alternating rounds of one repetition each,
so that both sides see the same stretches of machine time (on a shared VM the speed drifts from
minute to minute, and a ratio of two numbers measured minutes apart drifts with it). This takes
the median over the rounds for every per-picture time and recomputes each engine's summary from
those medians, as `bench_suite qr` and `bench-peers.py qr` do with repetitions in one process.

    bench-rounds.py kunci ROUND.json... > qr_kunci.json
    bench-rounds.py peers ROUND.json... > qr_peers.json

Read flags come from the first round (as with in-process repetitions, where the first one is
judged); a wrong payload in any round counts.
"""
import importlib.util
import json
import sys
from pathlib import Path

# The same nearest-rank quantile and engine summary as the peers' side (bench-peers.py imports
# nothing heavy at the top, so loading it here needs no venv).
_spec = importlib.util.spec_from_file_location("bench_peers", Path(__file__).with_name("bench-peers.py"))
_peers = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_peers)
quantile, summary = _peers.quantile, _peers.summary


def merged_entries(lists):
    """Per-picture entries of several rounds: `*_ms` fields become their median."""
    out = []
    for i, first in enumerate(lists[0]):
        if any(l[i]["name"] != first["name"] for l in lists):
            sys.exit("bench-rounds: the rounds list different pictures")
        entry = dict(first)
        for key in first:
            if key.endswith("_ms") or key == "ms":
                entry[key] = quantile([l[i][key] for l in lists], 0.5)
        out.append(entry)
    return out


def most_wrong(rounds, engine):
    return max(e["wrong"] for r in rounds for e in r["engines"] if e["engine"] == engine)


def kunci(rounds):
    base = rounds[0]
    per_image = merged_entries([r["per_image"] for r in rounds])
    engines = []
    for e in base["engines"]:
        name = e["engine"]
        ms = [p[f"{name}_ms"] for p in per_image]
        read = [p[f"{name}_read"] for p in per_image]
        engines.append(summary(name, ms, read, most_wrong(rounds, name)))
    # Each what-if is summarised like the shipped cascade: from per-picture medians over the
    # rounds (a median of per-round p90s would be another statistic, not comparable with it).
    what_if = []
    for i, first in enumerate(base.get("what_if", [])):
        times = [r["what_if"][i]["per_image_ms"] for r in rounds]
        ms = [quantile([t[k] for t in times], 0.5) for k in range(len(times[0]))]
        wrong = max(r["what_if"][i]["wrong"] for r in rounds)
        what_if.append(summary(first["engine"], ms, first["per_image_read"], wrong))
    return dict(base, reps=len(rounds), per_image=per_image, engines=engines, what_if=what_if)


def peers(rounds):
    base = rounds[0]
    per_image = {
        name: merged_entries([r["per_image"][name] for r in rounds]) for name in base["per_image"]
    }
    engines = []
    for e in base["engines"]:
        name = e["engine"]
        entries = per_image[name]
        engines.append(
            summary(
                name,
                [p["ms"] for p in entries],
                [p["read"] for p in entries],
                most_wrong(rounds, name),
            )
        )
    return dict(base, reps=len(rounds), per_image=per_image, engines=engines)


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ("kunci", "peers"):
        sys.exit("usage: bench-rounds.py kunci|peers ROUND.json...")
    rounds = [json.load(open(p)) for p in sys.argv[2:]]
    merge = kunci if sys.argv[1] == "kunci" else peers
    json.dump(merge(rounds), sys.stdout)
    print()


if __name__ == "__main__":
    main()
