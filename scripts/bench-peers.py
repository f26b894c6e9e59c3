#!/usr/bin/env python3
"""The peers' half of scripts/bench: zxing-cpp and zbar on the raw luma planes that
`bench_suite prepare` wrote, so they see exactly the pixels Kunci sees.

  bench-peers.py versions
  bench-peers.py qr OUT REPS        every corpus plane, zxing-cpp and zbar; JSON on stdout
  bench-peers.py frames OUT REPS    every camera frame, zxing-cpp and zbar; JSON on stdout
  bench-peers.py scan FILE...       whole process: load + decode each file with zxing-cpp,
                                    one JSON line per file (what `kunci --json scan` does)

Only the decode call is timed for `qr` and `frames` (time.perf_counter_ns).
"""

import json
import statistics
import sys
import time
from pathlib import Path


def quantile(values, q):
    s = sorted(values)
    return s[round((len(s) - 1) * q)] if s else float("nan")


def load(manifest_dir, key):
    import numpy as np

    manifest = json.loads((manifest_dir / "manifest.json").read_bytes())
    planes = []
    for e in manifest[key]:
        raw = (manifest_dir / e["raw"]).read_bytes()
        arr = np.frombuffer(raw, dtype=np.uint8).reshape(e["height"], e["width"])
        want = bytes.fromhex(e["expected_hex"]) if e.get("expected_hex") else None
        want_bin = bytes.fromhex(e["expected_bin_hex"]) if e.get("expected_bin_hex") else None
        # A nested second code that is right too (the double QR photo): its first bytes.
        e["also_prefix"] = bytes.fromhex(e["also_prefix_hex"]) if e.get("also_prefix_hex") else None
        planes.append((e, raw, arr, want, want_bin))
    return planes


def engines():
    import zxingcpp
    from pyzbar import pyzbar
    from pyzbar.pyzbar import ZBarSymbol

    qr_format = zxingcpp.BarcodeFormat.QRCode
    plain = zxingcpp.TextMode.Plain

    def zxing(raw, arr):
        # Defaults (try_rotate, try_downscale, try_invert), QR only, and the payload text as
        # encoded (TextMode.Plain, not the default HRI rendering "<SOH>", "(01)"), as Kunci returns it.
        found = zxingcpp.read_barcodes(arr, formats=qr_format, text_mode=plain)
        return [(r.text.encode("utf-8"), bytes(r.bytes)) for r in found]

    def zbar(raw, arr):
        h, w = arr.shape
        # zbar hands back text converted to UTF-8; bytes and text are the same thing for it.
        return [(d.data, d.data) for d in pyzbar.decode((raw, w, h), symbols=[ZBarSymbol.QRCODE])]

    return [("zxing-cpp", zxing), ("zbar", zbar)]


def judge(got, want, want_bin, also=None):
    if want is None:
        return False, bool(got)
    ok = [text == want or (want_bin is not None and data == want_bin) for text, data in got]
    # Compared as text (the payload bytes may be Shift-JIS), like Kunci's side.
    nested = [also is not None and text.startswith(also) for text, _ in got]
    return any(ok), not all(o or n for o, n in zip(ok, nested))


def both_codes(got, want, want_bin, also):
    """Whether a picture with a nested code gave the expected code and the nested one."""
    return judge(got, want, want_bin)[0] and any(text.startswith(also) for text, _ in got)


def run(planes, reps, decode):
    times = [[] for _ in planes]
    read = [False] * len(planes)
    wrong = 0
    for rep in range(max(reps, 1)):
        for i, (_, raw, arr, want, want_bin) in enumerate(planes):
            t = time.perf_counter_ns()
            got = decode(raw, arr)
            times[i].append((time.perf_counter_ns() - t) / 1e6)
            if rep == 0:
                r, x = judge(got, want, want_bin, planes[i][0].get("also_prefix"))
                read[i] = r
                wrong += x
    return [statistics.median(t) for t in times], read, wrong


def summary(name, per, read, wrong):
    read_ms = [t for t, r in zip(per, read) if r]
    return {
        "engine": name,
        "images": len(per),
        "read": sum(read),
        "wrong": wrong,
        "median_ms": quantile(per, 0.5),
        "p90_ms": quantile(per, 0.9),
        "mean_ms": sum(per) / max(len(per), 1),
        "median_ms_read": quantile(read_ms, 0.5),
    }


def cmd_qr(out, reps):
    planes = load(Path(out) / "luma", "images")
    result = {"reps": reps, "engines": [], "per_image": {}}
    for name, decode in engines():
        print(f"{name} on {len(planes)} planes", file=sys.stderr)
        per, read, wrong = run(planes, reps, decode)
        result["engines"].append(summary(name, per, read, wrong))
        nested = [p for p in planes if p[0].get("also_prefix")]
        result.setdefault("nested", {})[name] = sum(
            both_codes(decode(raw, arr), want, want_bin, e["also_prefix"]) for e, raw, arr, want, want_bin in nested)
        result["per_image"][name] = [
            {"name": p[0]["name"], "ms": t, "read": r} for p, t, r in zip(planes, per, read)
        ]
    return result


def cmd_frames(out, reps):
    planes = load(Path(out) / "frames", "frames")
    result = {"reps": reps, "engines": {}}
    for name, decode in engines():
        print(f"{name} on {len(planes)} frames", file=sys.stderr)
        per, read, wrong = run(planes, reps, decode)
        result["engines"][name] = {
            "wrong": wrong,
            "per_frame": [
                {"raw": p[0]["raw"], "size": p[0]["size"], "code": p[0]["code"], "ms": t, "read": r}
                for p, t, r in zip(planes, per, read)
            ],
        }
    return result


def cmd_scan(files):
    # The whole-process peer of `kunci --json scan`: import, load each picture, decode, print.
    import zxingcpp
    from PIL import Image

    qr_format = zxingcpp.BarcodeFormat.QRCode
    found_any = False
    for f in files:
        with Image.open(f) as im:
            luma = im.convert("L")
        found = zxingcpp.read_barcodes(luma, formats=qr_format, text_mode=zxingcpp.TextMode.Plain)
        texts = [r.text for r in found]
        found_any |= bool(texts)
        print(json.dumps({"file": f, "texts": texts}))
    return 0 if found_any else 1


def cmd_versions():
    from importlib.metadata import version

    return {p: version(p) for p in ("zxing-cpp", "pyzbar", "numpy", "pillow")}


def main(argv):
    if argv[:1] == ["scan"]:
        return cmd_scan(argv[1:])
    if argv[:1] == ["versions"]:
        print(json.dumps(cmd_versions()))
    elif argv[:1] == ["qr"] and len(argv) == 3:
        print(json.dumps(cmd_qr(argv[1], int(argv[2]))))
    elif argv[:1] == ["frames"] and len(argv) == 3:
        print(json.dumps(cmd_frames(argv[1], int(argv[2]))))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
