"""Diagonal recurrences admit a parallel scan: measured time of linear_scan methods vs T on this CPU.

h_t = a * h_{t-1} + b_t with a diagonal |a| < 1 (width d): the sequential loop does T dependent
steps; "chunked" is a two-level scan (O(T) work, chunks processed in parallel lanes) and "tree"
the odd/even parallel prefix scan (ceil(log2 T) levels). A dense residual RNN has no such form:
its step is nonlinear in h. Timings are measured data of this machine, not a claim.
"""

import time

import matplotlib

matplotlib.use("Agg")
import numpy as np

from linrec.io import figure_dir, get_profile, save_arrays, save_figure
from linrec.plotting import new_axes
from linrec.scan import linear_scan

ID = "answers"
PROFILE = get_profile()
d = 16
Ts = 2 ** np.arange(8, 15 if PROFILE == "quick" else 18)
METHODS = ("sequential", "chunked", "tree")
repeats = 3 if PROFILE == "quick" else 7
rng = np.random.default_rng(0)
a = rng.uniform(0.9, 0.999, size=d)
times = {m: np.empty(len(Ts)) for m in METHODS}
max_dev = np.empty(len(Ts))
for i, T in enumerate(Ts):
    b = rng.standard_normal((int(T), d))
    ref = linear_scan(a, b, method="sequential")
    max_dev[i] = max(np.max(np.abs(linear_scan(a, b, method=m) - ref)) for m in METHODS[1:])
    for m in METHODS:
        best = np.inf
        for _ in range(repeats):
            t0 = time.perf_counter()
            linear_scan(a, b, method=m)
            best = min(best, time.perf_counter() - t0)
        times[m][i] = best
fig, ax = new_axes(figsize=(5, 3.6))
for m in METHODS:
    ax.loglog(Ts, times[m] * 1e3, "o-", ms=3, label=m)
ax.set_xlabel("T")
ax.set_ylabel(f"time [ms], best of {repeats}")
ax.set_title(f"diagonal scan, width {d}, this CPU")
ax.legend(fontsize=8)
save_arrays(figure_dir(ID) / "residual_scan",
            {"Ts": Ts, "max_dev": max_dev, **{f"time/{m}": t for m, t in times.items()}},
            {"d": d, "repeats": repeats, "profile": PROFILE})
save_figure(fig, figure_dir(ID) / "residual_scan")
