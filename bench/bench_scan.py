"""Benchmark of linrec.scan: every method as a ratio to an in-process bandwidth baseline.

For each (T, width), dtype (float64, complex128) and gate structure (time-invariant a of shape
(width,), time-varying a of shape (T, width)) every applicable method is timed in interleaved
rounds (each round runs every method once, in a shuffled order, plus the baseline), and the
median is reported. The baseline is the cheapest thing a scan could possibly cost:

* time-invariant (one array in, one out): ``np.copyto(out, b)`` into a preallocated array;
* time-varying (two arrays in, one out): ``np.multiply(a, b, out=out)``.

``speed`` = baseline time / method time (1.0 would be a scan as fast as streaming the data once).
Every method allocates its output like a user's call does (~0.1-0.25 s per GB of page faults,
which the baseline does not pay); the row ``auto, out=`` runs ``auto`` into a preallocated
output (``linear_scan(..., out=buf)``), the same conditions as the baseline.
``vs best`` = method time / fastest method's time for that case. ``auto`` runs the method
:func:`linrec.scan.select_method` picks (the dispatch costs microseconds), so its ``pick vs best``
pools the samples of ``auto`` and of that method and compares them with the fastest of the other
methods (1.00 when the pick is the fastest): on a shared machine a single slow sample otherwise
decides whether the same computation "is" 1.0x or 1.5x the fastest.

Skipped (runtime bound): ``sequential`` at T = 1e6 (1e6 Python-level steps, ~3 s a call); for
T * width >= 1e7 ``log`` (a transcendental-bound reference, 5-10 s a call), ``tree`` (reference,
log2(T) levels of strided temporaries, 0.5-4 s a call) and ``lfilter`` for width >= 1024 (one
compiled filter per channel, 1-8 s a call) or complex128 (as float64 at twice the cost); ``log``
is defined for positive reals only. Run with
OPENBLAS_NUM_THREADS=1 (``make bench`` sets it); the whole run takes about 2-3 minutes on 2 cores.

Usage: ``python bench/bench_scan.py [--rounds R] [--only T,width]``.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np

from linrec.scan import linear_scan, select_method

SHAPES = [(512, 64), (4096, 64), (1_000_000, 64), (62_500, 1024), (4096, 4096)]
METHODS = ("auto", "sequential", "lfilter", "chunked", "tree", "log")
TARGETS = {  # (T, width, dtype, invariant) -> minimum speed of "auto" (issue 2)
    (1_000_000, 64, "float64", True): 0.11,
    (1_000_000, 64, "float64", False): 0.18,
}


def _skip(method: str, T: int, W: int, dtype: str, invariant: bool) -> str | None:
    big = T * W >= 10**7
    if method == "lfilter" and not invariant:
        return "needs time-invariant a"
    if method == "log" and dtype == "complex128":
        return "positive reals only"
    if method == "sequential" and T >= 1_000_000:
        return "1e6 Python-level steps (~3 s a call)"
    if method == "log" and big:
        return "transcendental-bound reference (5-10 s a call)"
    if method == "tree" and big:
        return "reference; log2(T) levels of strided temporaries (0.5-4 s a call)"
    if method == "lfilter" and big and W >= 1024:
        return "one compiled filter per channel (1-8 s a call)"
    if method == "lfilter" and big and dtype == "complex128":
        return "as float64 at twice the cost (~2.5 s a call)"
    return None


def _data(T: int, W: int, dtype: str, invariant: bool, rng: np.random.Generator):
    shape_a = (W,) if invariant else (T, W)
    a = rng.uniform(0.9, 0.999, shape_a)
    b = rng.uniform(0.1, 1.0, (T, W))
    if dtype == "complex128":
        a = a * np.exp(1j * rng.uniform(-0.1, 0.1, shape_a))
        b = b + 1j * rng.uniform(0.1, 1.0, (T, W))
    return a, b


def bench_case(T: int, W: int, dtype: str, invariant: bool, rounds: int, rng: np.random.Generator) -> list[dict]:
    a, b = _data(T, W, dtype, invariant, rng)
    out = np.empty_like(b)
    if invariant:
        def baseline():
            np.copyto(out, b)
    else:
        a_full = a

        def baseline():
            np.multiply(a_full, b, out=out)
    methods = [m for m in METHODS if _skip(m, T, W, dtype, invariant) is None]
    buf = np.empty(b.shape, dtype=np.result_type(a, b))
    buf.fill(0)
    skipped = {m: _skip(m, T, W, dtype, invariant) for m in METHODS if _skip(m, T, W, dtype, invariant)}
    times: dict[str, list[float]] = {m: [] for m in methods}
    times["baseline"] = []
    times["auto+out"] = []
    order = ["baseline", "auto+out"] + methods
    for _ in range(rounds):
        rng.shuffle(order)
        for name in order:
            gc.collect()
            if name == "baseline":
                t0 = time.perf_counter()
                baseline()
                times[name].append(time.perf_counter() - t0)
            elif name == "auto+out":  # into a preallocated output, like the baseline
                t0 = time.perf_counter()
                linear_scan(a, b, method="auto", out=buf)
                times[name].append(time.perf_counter() - t0)
            else:
                t0 = time.perf_counter()
                h = linear_scan(a, b, method=name)
                times[name].append(time.perf_counter() - t0)
                del h
    base = float(np.median(times["baseline"]))
    med = {m: float(np.median(times[m])) for m in methods}
    best = min(med.values())
    pick = select_method(T, W, invariant, np.dtype(dtype))
    pooled = float(np.median(times["auto"] + times.get(pick, [])))
    # auto is within x of the fastest method: its pick (pooled samples) against the other methods
    others = [med[m] for m in methods if m not in ("auto", pick)]
    pick_vs_best = max(1.0, pooled / min(others)) if others else 1.0
    rows = []
    t_out = float(np.median(times["auto+out"]))
    rows.append({"T": T, "W": W, "dtype": dtype, "a": "invariant" if invariant else "varying",
                 "method": "auto+out", "ms": 1e3 * t_out, "speed": base / t_out, "vs_best": t_out / best,
                 "base_ms": 1e3 * base})
    for m in METHODS:
        row = {"T": T, "W": W, "dtype": dtype, "a": "invariant" if invariant else "varying", "method": m}
        if m in skipped:
            row["skipped"] = skipped[m]
        else:
            row.update(ms=1e3 * med[m], speed=base / med[m], vs_best=med[m] / best, base_ms=1e3 * base)
            if m == "auto":
                row.update(pick_vs_best=pick_vs_best, pick_speed=base / pooled)
        rows.append(row)
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=None, help="rounds per case (default: 7 small, 3 large)")
    ap.add_argument("--only", type=str, default=None, help="one shape 'T,width'")
    args = ap.parse_args(argv)
    shapes = SHAPES
    if args.only:
        T, W = (int(float(x)) for x in args.only.split(","))
        shapes = [(T, W)]
    rng = np.random.default_rng(20241001)
    t_start = time.perf_counter()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"linrec.scan benchmark (numpy {np.__version__}, OPENBLAS_NUM_THREADS="
          f"{os.environ.get('OPENBLAS_NUM_THREADS')}, {os.cpu_count()} CPUs, load average {load}); "
          f"speed = baseline time / method time")
    header = (f"{'T':>9} {'width':>5} {'dtype':>10} {'a':>9} {'method':>17} {'ms':>9} {'speed':>7} {'vs best':>8}"
              f"  pick vs best (pooled)")
    print(header)
    print("-" * len(header))
    failures = []
    for T, W in shapes:
        for dtype in ("float64", "complex128"):
            for invariant in (True, False):
                rounds = args.rounds or (6 if T * W >= 10**7 else 11)
                rows = bench_case(T, W, dtype, invariant, rounds, rng)
                auto = select_method(T, W, invariant, np.dtype(dtype))
                for r in rows:
                    label = {"auto": f"auto={auto}", "auto+out": "auto, out="}.get(r["method"], r["method"])
                    if "skipped" in r:
                        print(f"{T:>9} {W:>5} {dtype:>10} {r['a']:>9} {label:>17}   skipped: {r['skipped']}")
                        continue
                    extra = (f"  {r['pick_vs_best']:.2f} (speed {r['pick_speed']:.3f})"
                             if r["method"] == "auto" else "")
                    print(f"{T:>9} {W:>5} {dtype:>10} {r['a']:>9} {label:>17} {r['ms']:>9.2f} "
                          f"{r['speed']:>7.3f} {r['vs_best']:>8.2f}{extra}")
                auto_row = next(r for r in rows if r["method"] == "auto")
                if auto_row["pick_vs_best"] > 1.2:
                    failures.append(f"auto is {auto_row['pick_vs_best']:.2f}x the fastest at {T}x{W} {dtype} "
                                    f"{auto_row['a']}")
                target = TARGETS.get((T, W, dtype, invariant))
                out_row = next(r for r in rows if r["method"] == "auto+out")
                if target is not None:
                    for what, speed in (("allocating", auto_row["pick_speed"]), ("out=", out_row["speed"])):
                        verdict = "meets" if speed >= target else "MISSES"
                        print(f"    target {target} at {T}x{W} {dtype} {auto_row['a']}: auto ({what}) speed "
                              f"{speed:.3f} {verdict} it")
                        if speed < target:
                            failures.append(f"auto ({what}) speed {speed:.3f} < target {target} at {T}x{W} "
                                            f"{dtype} {auto_row['a']}")
                sys.stdout.flush()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\ntotal {time.perf_counter() - t_start:.0f} s (load average at the end {load}: timings on a shared "
          f"machine vary by 2-4x with the load; ratios to the interleaved baseline vary less)")
    if failures:
        print("MISSED: " + "; ".join(failures))
    else:
        print("all targets met: auto within 1.2x of the fastest everywhere; (1e6, 64) float64 speed targets met")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
