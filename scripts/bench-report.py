#!/usr/bin/env python3
"""Turns target/bench/raw/* (written by scripts/bench) into target/bench/latest.json and
target/bench/latest.md, and prints the markdown. Standard library only."""

import json
import re
import statistics
import sys
from collections import defaultdict
from pathlib import Path

MIB = 1024 * 1024


def load_json(path, default=None):
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return default


def env_txt(path):
    out = {}
    for line in path.read_text().splitlines():
        for part in line.split(" ") if line.startswith("qr_reps") else [line]:
            k, _, v = part.partition("=")
            out[k] = v
    return out


def time_v(path):
    """Maximum resident set size (KiB) from /usr/bin/time -v output."""
    try:
        m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", path.read_text())
        return int(m.group(1)) if m else None
    except OSError:
        return None


def quantile(values, q):
    s = sorted(values)
    return s[round((len(s) - 1) * q)] if s else float("nan")


def crate_of(name):
    """The crate a demangled symbol belongs to (generic code counts for the crate that defines
    the item, as cargo-bloat does)."""
    n = name.strip()
    while n[:1] in "<&*(" or n.startswith(("dyn ", "impl ", "mut ", "const ")):
        n = re.sub(r"^(<|&|\*|\(|dyn |impl |mut |const )", "", n)
    m = re.match(r"([A-Za-z_][A-Za-z0-9_]*)::", n)
    if m:
        return m.group(1)
    if n.startswith("sqlite3") or n.startswith("sqlite"):
        return "[sqlite3, C]"
    if n.startswith("_ZN") or n.startswith("_R"):
        return "[unmangled rust]"
    return "[C / runtime / other]"


def size_breakdown(nm_path, c_symbols=frozenset()):
    by_crate = defaultdict(int)
    total = 0
    try:
        lines = nm_path.read_text(errors="replace").splitlines()
    except OSError:
        return None
    for line in lines:
        parts = line.split(" ", 3)
        if len(parts) < 4:
            continue
        try:
            size = int(parts[1], 16)
        except ValueError:
            continue
        name = parts[3].strip()
        base = re.sub(r"\.\d+$", "", re.sub(r"\.(constprop|isra|part|cold|lto_priv)\.\d+", "", name))
        crate = "[sqlite3, C]" if base in c_symbols else crate_of(name)
        by_crate[crate] += size
        total += size
    rows = sorted(by_crate.items(), key=lambda kv: -kv[1])
    return {"symbols_bytes": total, "by_crate": [{"crate": c, "bytes": b} for c, b in rows]}


def frame_stats(per_frame, size, code):
    sel = [f for f in per_frame if f["size"] == size and f["code"] == code]
    return {
        "frames": len(sel),
        "median_ms": statistics.median([f["ms"] for f in sel]) if sel else float("nan"),
        "max_ms": max((f["ms"] for f in sel), default=float("nan")),
        "read": sum(f["read"] for f in sel),
    }


def whole_reads(jsonl_path, manifest):
    want = {e["source"]: bytes.fromhex(e["expected_hex"]).decode("utf-8", "replace") for e in manifest["images"]}
    read = 0
    try:
        for line in jsonl_path.read_text().splitlines():
            try:
                o = json.loads(line)
            except ValueError:
                continue
            if want.get(o.get("file")) in (o.get("texts") or []):
                read += 1
    except OSError:
        return None
    return read


def fmt(v, digits=2):
    if v is None or (isinstance(v, float) and v != v):
        return "n/a"
    if isinstance(v, int):
        return f"{v:,}"
    return f"{v:,.{digits}f}"


def ratio(a, b):
    try:
        return a / b if b else None
    except TypeError:
        return None


def main(out):
    out = Path(out)
    raw = out / "raw"
    env = env_txt(raw / "env.txt")
    peers_v = load_json(raw / "peer_versions.json", {})
    loads = [json.loads(l) for l in (raw / "loadavg.jsonl").read_text().splitlines() if l.strip()]
    manifest = load_json(out / "data" / "luma" / "manifest.json", {"images": []})
    prepare = load_json(raw / "prepare.json", {})

    # QR corpus.
    qk = load_json(raw / "qr_kunci.json", {"engines": []})
    qp = load_json(raw / "qr_peers.json", {"engines": []})
    eng = {e["engine"]: e for e in qk["engines"] + qp["engines"]}
    nested = {"pictures": qk.get("nested", {}).get("pictures", 0),
              "both": {"kunci": qk.get("nested", {}).get("kunci_both"), **qp.get("nested", {})}}

    # Frames.
    fk = load_json(raw / "frames_kunci.json", {"per_frame": []})
    fp = load_json(raw / "frames_peers.json", {"engines": {}})
    frames = {}
    for size in ("720p", "1080p"):
        for code in (False, True):
            key = f"{size} {'with code' if code else 'no code'}"
            frames[key] = {"kunci": frame_stats(fk["per_frame"], size, code)}
            for name, r in fp["engines"].items():
                frames[key][name] = frame_stats(r["per_frame"], size, code)

    # Whole process.
    whole = {}
    wj = load_json(raw / "whole.json", {"results": []})
    for r in wj["results"]:
        whole[r["command"]] = {"median_s": statistics.median(r["times"]), "runs": len(r["times"]),
                               "min_s": min(r["times"]), "max_s": max(r["times"])}
    whole_read = {"kunci": whole_reads(raw / "whole_kunci.jsonl", manifest),
                  "zxing-cpp": whole_reads(raw / "whole_zxing.jsonl", manifest)}

    codes = load_json(raw / "codes.json", {"rows": [], "per_extra_account_us": {}})
    startup = {}
    for r in load_json(raw / "startup.json", {"results": []})["results"]:
        startup[r["command"]] = {"median_ms": statistics.median(r["times"]) * 1e3, "runs": len(r["times"]),
                                 "p90_ms": quantile(r["times"], 0.9) * 1e3}
    memory_worst = []
    try:
        for line in (raw / "memory_worst.jsonl").read_text().splitlines():
            try:
                memory_worst.append(json.loads(line))
            except ValueError:
                pass
    except OSError:
        pass
    sync = load_json(raw / "sync.json", {"cases": []})
    rss = load_json(raw / "rss.json", {})
    rss_cli = time_v(raw / "rss_cli_time.txt")
    rss_cli_base = time_v(raw / "rss_cli_baseline_time.txt")
    rss_suite = time_v(raw / "rss_time.txt")

    so = Path(out) / "libkunci-shipped.so"
    so_bytes = so.stat().st_size if so.exists() else None
    ffi_fns = int((raw / "ffi_functions.txt").read_text().strip() or 0) if (raw / "ffi_functions.txt").exists() else None
    cli_bytes = int((raw / "cli_bytes.txt").read_text().strip()) if (raw / "cli_bytes.txt").exists() else None
    cli_full_bytes = int((raw / "cli_full_bytes.txt").read_text().strip()) if (raw / "cli_full_bytes.txt").exists() else None
    core_bytes = int((raw / "core_proxy_bytes.txt").read_text().strip()) if (raw / "core_proxy_bytes.txt").exists() else None
    try:
        sqlite_syms = frozenset((raw / "sqlite_symbols.txt").read_text().split())
    except OSError:
        sqlite_syms = frozenset()
    breakdown = {"core": size_breakdown(raw / "nm_core.txt", sqlite_syms)}
    bloat = load_json(raw / "bloat_core.json")
    if bloat and bloat.get("crates"):
        breakdown["core_cargo_bloat"] = {
            "text_section_bytes": bloat.get("text-section-size"), "file_bytes": bloat.get("file-size"),
            "by_crate": [{"crate": c["name"], "bytes": c["size"]} for c in bloat["crates"]]}
    bloat_so = Path(out).parent / "bloat" / "libkunci.so"

    luma_mb = 4000 * 3000 / 1e6
    result = {
        "mode": env.get("mode"),
        "machine": {"nproc": env.get("nproc"), "cpu": env.get("cpu"), "kernel": env.get("kernel"),
                    "loadavg": loads},
        "versions": {"rustc": env.get("rustc"), "kunci": env.get("kunci_rev"),
                     "zxing-cpp": peers_v.get("zxing-cpp"), "pyzbar": peers_v.get("pyzbar"),
                     "zbar": env.get("zbar"), "hyperfine": env.get("hyperfine")},
        "inputs": {"corpus": env.get("corpus"), "images": len(manifest["images"]),
                   "repetitions": {k: env.get(k) for k in ("qr_reps", "frame_reps", "codes_runs", "sync_runs", "whole_runs")},
                   "photo12mp": prepare.get("photo12mp")},
        "qr": eng,
        "qr_nested": nested,
        "frames": frames,
        "whole_process": {"times": whole, "read": whole_read, "files": len(manifest["images"])},
        "codes": codes,
        "startup": startup,
        "memory_worst": memory_worst,
        "sync": sync,
        "memory": {"in_process": rss, "suite_maxrss_kib": rss_suite, "cli_scan_maxrss_kib": rss_cli,
                   "cli_baseline_maxrss_kib": rss_cli_base, "luma_mb": luma_mb},
        "size": {"stripped_cdylib_bytes": so_bytes, "ffi_exported_functions": ffi_fns,
                 "stripped_cli_bytes": cli_bytes, "stripped_cli_full_bytes": cli_full_bytes, "stripped_whole_core_proxy_bytes": core_bytes, "unstripped": str(bloat_so) if bloat_so.exists() else None,
                 "breakdown": breakdown},
        "elapsed_s": env.get("elapsed_s"),
    }

    # ---- The table ----
    rows = []

    def row(what, kunci, peer, peer_name, r, target, met):
        rows.append((what, kunci, f"{peer} ({peer_name})" if peer_name else peer, r, target,
                     "—" if met is None else ("met" if met else "**missed**")))

    k, z, zb, rq = (eng.get(n, {}) for n in ("kunci", "zxing-cpp", "zbar", "rqrr"))
    n = len(manifest["images"])
    row(f"QR corpus: images read of {n}", fmt(k.get("read")), f"{fmt(z.get('read'))} / zbar {fmt(zb.get('read'))} / rqrr {fmt(rq.get('read'))}",
        "zxing-cpp", fmt(ratio(k.get("read"), z.get("read"))), "≥ zxing-cpp", (k.get("read") or 0) >= (z.get("read") or 1 << 30))
    row("QR corpus: payloads that are wrong (neither the expected text nor a nested code)", fmt(k.get("wrong")),
        f"{fmt(z.get('wrong'))} / zbar {fmt(zb.get('wrong'))} / rqrr {fmt(rq.get('wrong'))}", "zxing-cpp", "", "0",
        None if k.get("wrong") is None else k["wrong"] == 0)
    nb, npics = nested["both"], nested["pictures"]
    if npics:
        row(f"QR corpus: pictures with a nested code where both codes were read, of {npics}", fmt(nb.get("kunci")),
            f"{fmt(nb.get('zxing-cpp'))} / zbar {fmt(nb.get('zbar'))}", "zxing-cpp", "", f"{npics}",
            nb.get("kunci") == npics)
    for q, label in (("median_ms", "median"), ("p90_ms", "p90")):
        row(f"QR corpus: {label} decode per image, ms", fmt(k.get(q)), f"{fmt(z.get(q))} / zbar {fmt(zb.get(q))} / rqrr {fmt(rq.get(q))}",
            "zxing-cpp", fmt(ratio(k.get(q), z.get(q)), 1) + "×", "≤ 1.5×",
            None if not k.get(q) or not z.get(q) else k[q] <= 1.5 * z[q])
    wk, wz = whole.get("kunci", {}), whole.get("zxing-cpp", {})
    row(f"Whole process: scan {n} files, s (reads {fmt(whole_read['kunci'])} vs {fmt(whole_read['zxing-cpp'])})",
        fmt(wk.get("median_s"), 3), fmt(wz.get("median_s"), 3), "zxing-cpp + Python", fmt(ratio(wk.get("median_s"), wz.get("median_s"))) + "×",
        "≤ 0.5×", None if not wk or not wz else wk["median_s"] <= 0.5 * wz["median_s"])
    w1 = whole.get("kunci-1-thread", {})
    if w1:
        row(f"Whole process, Kunci on one thread (`scan --jobs 1`; the peer script uses one), s",
            fmt(w1.get("median_s"), 3), fmt(wz.get("median_s"), 3), "zxing-cpp + Python",
            fmt(ratio(w1.get("median_s"), wz.get("median_s"))) + "×", "", None)
    for key, f in frames.items():
        kk, zz = f["kunci"], f.get("zxing-cpp", {})
        target = {"1080p no code": 2.0, "1080p with code": 5.0}.get(key)
        read = f" (read {kk['read']}/{kk['frames']} vs {zz.get('read')}/{zz.get('frames')})" if "with" in key else ""
        row(f"Camera frame {key}, ms{read}", fmt(kk["median_ms"]), fmt(zz.get("median_ms")), "zxing-cpp",
            fmt(ratio(kk["median_ms"], zz.get("median_ms")), 1) + "×", f"≤ {target} ms" if target else "",
            None if target is None else kk["median_ms"] <= target)
    for r in codes["rows"]:
        row(f"All codes, {r['accounts']:,} accounts, ms (open+list+codes = {fmt(r['total_ms'])})", fmt(r["codes_ms"], 3),
            fmt(r["hmac3_ms"], 3), "HMAC-SHA1 ×3", fmt(ratio(r["codes_ms"], r["hmac3_ms"]), 1) + "×", "", None)
    per = codes.get("per_extra_account_us", {})
    row("All codes: µs per extra account, vault open excluded (view_at only)",
        fmt(per.get("codes")), fmt(per.get("hmac3")), "HMAC-SHA1 ×3",
        fmt(ratio(per.get("codes"), per.get("hmac3")), 1) + "×", "< 5 µs",
        None if per.get("codes") is None else per["codes"] < 5.0)
    row("All codes: µs per extra account, one after another (open + unseal + view_at)",
        fmt(per.get("total")), fmt(per.get("hmac3")), "HMAC-SHA1 ×3",
        fmt(ratio(per.get("total"), per.get("hmac3")), 1) + "×", "", None)
    row("All codes as the app lists them (`list_with`): µs per extra account, vault open excluded (unseal + codes)",
        fmt(per.get("list_codes")), fmt(per.get("hmac3")), "HMAC-SHA1 ×3",
        fmt(ratio(per.get("list_codes"), per.get("hmac3")), 1) + "×", "≤ 2 µs",
        None if per.get("list_codes") is None else per["list_codes"] <= 2.0)
    row("All codes as the app lists them (`list_with`): µs per extra account, vault open included (open + unseal + codes)",
        fmt(per.get("open_list_codes")), fmt(per.get("hmac3")), "HMAC-SHA1 ×3",
        fmt(ratio(per.get("open_list_codes"), per.get("hmac3")), 1) + "×", "≤ 2 µs",
        None if per.get("open_list_codes") is None else per["open_list_codes"] <= 2.0)
    sk, so_ = startup.get("kunci"), startup.get("oathtool")
    if sk and so_:
        row(f"Start-up: `kunci code URI`, whole process, ms per call (median of {sk['runs']}; 200 calls: {fmt(sk['median_ms'] * 200, 0)} vs {fmt(so_['median_ms'] * 200, 0)} ms)",
            fmt(sk["median_ms"]), fmt(so_["median_ms"]), "oathtool --totp",
            fmt(ratio(sk["median_ms"], so_["median_ms"])) + "×", "≤ oathtool", sk["median_ms"] <= so_["median_ms"])
    hand, whole = startup.get("kunci inspect"), startup.get("kunci-full inspect")
    if hand and whole:
        row(f"Hand-over: `kunci inspect URI` (kunci runs kunci-full) against `kunci-full inspect URI` called directly, ms per call (median of {hand['runs']})",
            fmt(hand["median_ms"]), fmt(whole["median_ms"]), "kunci-full",
            f"+{fmt(hand['median_ms'] - whole['median_ms'])} ms", "", None)
    worst = [m for m in memory_worst if "peak_rss_kib" in m]
    if worst:
        top = max(worst, key=lambda m: m["peak_rss_kib"])
        row(f"Memory: peak RSS of the worst picture of {len(worst)} hostile kinds, MiB ({top['file']})",
            fmt(top["peak_rss_kib"] / 1024, 1), "", "", "", "< 200 MB", top["peak_rss_kib"] * 1024 < 200e6)
    for c in sync["cases"]:
        row(f"Time sync, 4 loopback servers, {c['silent']} silent, ms (max {fmt(c['max_s'] * 1e3, 1)})",
            fmt(c["median_s"] * 1e3, 1), "", "", "", "≤ 600 ms" if c["silent"] else "",
            c["median_s"] <= 0.6 if c["silent"] else None)
    if so_bytes:
        row(f"Size: stripped release libkunci.so as shipped (default features, relocations packed as on Android), MiB ({ffi_fns} FFI functions exported: LTO keeps only what they reach)",
            fmt(so_bytes / MIB), "", "", fmt(so_bytes / (3 * MIB)) + "× of target", "≤ 3 MiB", so_bytes <= 3 * MIB)
    if core_bytes:
        row("Size: whole core reachable (stripped `bench_size` example: QR, vault, backups, time), MiB", fmt(core_bytes / MIB), "", "",
            fmt(core_bytes / (3 * MIB)) + "× of target", "≤ 3 MiB", core_bytes <= 3 * MIB)
    if cli_bytes:
        row("Size: stripped release `kunci` (the plain code call, and the hand-over), MiB", fmt(cli_bytes / MIB, 2), "", "", "", "", None)
    if cli_full_bytes:
        row("Size: stripped release `kunci-full` (the whole CLI: QR, vault, time, importers; clap), MiB", fmt(cli_full_bytes / MIB), "", "", "", "", None)
    if rss:
        above = rss.get("above_baseline_kib", 0) / 1024
        row(f"Memory: peak RSS above baseline decoding a 12 MP JPEG, MiB (baseline {fmt(rss.get('baseline_rss_kib', 0) / 1024, 1)} MiB)",
            fmt(above, 1), fmt(luma_mb * 1e6 / MIB, 1) + " (luma plane)", "", fmt(ratio(above, luma_mb * 1e6 / MIB), 1) + "× luma",
            "≤ 3× luma", above <= 3 * luma_mb * 1e6 / MIB)

    if worst:
        result["memory_worst_table"] = [
            f"| {m['file']} | {m['bytes']:,} | {m['peak_rss_kib'] / 1024:.1f} | {m['ms']:.0f} | {m['outcome']} |" for m in worst]

    md = []
    md.append(f"# Kunci benchmarks ({env.get('mode')} run)\n")
    md.append(f"Kunci {env.get('kunci_rev')} · {env.get('rustc')} · zxing-cpp {peers_v.get('zxing-cpp')} (PyPI) · "
              f"zbar {env.get('zbar')} via pyzbar {peers_v.get('pyzbar')} · {env.get('hyperfine') or 'no hyperfine'}\n")
    md.append(f"Machine: {env.get('cpu')}, nproc {env.get('nproc')}, {env.get('kernel')}; load average (1/5/15 min) "
              + ", ".join(f"{l['section']} {l['loadavg']}" for l in loads) + "\n")
    md.append(f"Inputs: {n} corpus images from {env.get('corpus')} (decoded to luma once, the same raw planes for every engine); "
              f"camera frames 1280×720 and 1920×1080 (4 without a code, 8 with a corpus photo pasted, per size); "
              f"a 4000×3000 colour JPEG. Repetitions: {env.get('qr_reps')} per corpus image (in alternating rounds, each side first in every other one), {env.get('frame_reps')} per frame, "
              f"{env.get('codes_runs')} codes runs, {env.get('sync_runs')} sync runs, {env.get('whole_runs')} whole-process runs; "
              f"medians throughout. Run took {env.get('elapsed_s')} s.\n")
    md.append("| measure | Kunci | peer | Kunci / peer | target | |")
    md.append("| --- | ---: | ---: | ---: | --- | --- |")
    for r in rows:
        md.append("| " + " | ".join(str(x) for x in r) + " |")
    cb, nm_cli = breakdown.get("core_cargo_bloat"), breakdown["core"]
    if cb or nm_cli:
        md.append("")
        md.append("Size by crate of the whole-core proxy (`bench_size`), built with the release profile minus strip (`--profile bloat`); "
                  "generic code counts for the crate that defines it. cargo-bloat: share of .text; "
                  "nm: all symbols (code and data), C symbols (bundled SQLite) included.\n")
        names = []
        for src in (cb, nm_cli):
            for c in (src or {}).get("by_crate", [])[:14]:
                if c["crate"] not in names:
                    names.append(c["crate"])
        get = lambda src, n: next((c["bytes"] for c in (src or {}).get("by_crate", []) if c["crate"] == n), None)
        md.append("| crate | cargo-bloat (.text) KiB | nm (all symbols) KiB |")
        md.append("| --- | ---: | ---: |")
        for n_ in names[:20]:
            cells = [get(cb, n_), get(nm_cli, n_)]
            md.append(f"| {n_} | " + " | ".join("" if v is None else f"{v / 1024:,.0f}" for v in cells) + " |")
        totals = [cb and cb.get("text_section_bytes"), nm_cli and nm_cli["symbols_bytes"]]
        md.append("| **total** (.text / symbols) | " + " | ".join("" if not v else f"{v / 1024:,.0f}" for v in totals) + " |")
    wi = qk.get("what_if", [])
    if wi:
        md.append("")
        md.append("What-if, not shipped (bench hooks, same planes, same run; the cascade stops at its first hit):\n")
        for e in wi:
            md.append(f"- {e['engine']}: read {e['read']}/{e['images']}, median {fmt(e['median_ms'])} ms, p90 {fmt(e['p90_ms'])} ms")
        nr = [f for f in fk["per_frame"] if "no_rqrr_ms" in f]
        for size in ("720p", "1080p"):
            for code in (False, True):
                sel = [f for f in nr if f["size"] == size and f["code"] == code]
                if sel:
                    md.append(f"- Frame passes without rqrr, {size} {'with' if code else 'no'} code: median "
                              f"{fmt(statistics.median(f['no_rqrr_ms'] for f in sel))} ms, read {sum(f['no_rqrr_read'] for f in sel)}/{len(sel)}")
    md.append("")
    md.append(f"Memory detail: in-process VmHWM {fmt((rss.get('peak_hwm_kib') or 0) / 1024, 1)} MiB, baseline VmRSS "
              f"{fmt((rss.get('baseline_rss_kib') or 0) / 1024, 1)} MiB; `/usr/bin/time -v` max RSS: harness {fmt((rss_suite or 0) / 1024, 1)} MiB, "
              f"`kunci scan` on the photo {fmt((rss_cli or 0) / 1024, 1)} MiB vs `kunci code` {fmt((rss_cli_base or 0) / 1024, 1)} MiB.")
    if worst:
        md.append("")
        md.append("Worst pictures (issue 17, finding 7), each decoded by `decode_image` in a fresh process (`qr_memory`): "
                  "peak resident memory of the whole process, and the decode time.\n")
        md.append("| picture | file bytes | peak RSS MiB | ms | outcome |")
        md.append("| --- | ---: | ---: | ---: | --- |")
        md.extend(result["memory_worst_table"])
    text = "\n".join(md) + "\n"
    result["table_markdown"] = text
    (out / "latest.json").write_text(json.dumps(result, indent=2) + "\n")
    (out / "latest.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "target/bench")
