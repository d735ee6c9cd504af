"""Rounding error of every linear-scan method against a 40-digit reference as T grows.

Rows: float64 and float32 arithmetic. Columns: minGRU coefficients (time-varying gates
a_t = 1 - sigmoid(k_t), inputs b_t = sigmoid(k_t) g(x_t) > 0, Feng et al. 2024 Sec. 3 and
App. B.3) and time-invariant gates a in {0.5, 0.9, 0.99, 0.999} (where lfilter applies).
The y axis is the worst error over the sequence and the 4 channels in units of u S_t (u the unit
roundoff, S_t = h_t for these positive data): the linear-space methods' worst-case bound is
2(t+1) (dashed grey), the log-space method's derived bound is drawn dashed in its colour.
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from linrec.io import figure_dir, get_profile, save_arrays, save_figure
from linrec.plotting import new_axes
from linrec.plotting.scan import plot_scan_errors
from linrec.scan import exact_linear_scan, linear_scan, log_scan_error_bound

ID = "feng2024_minrnn"
PROFILE = get_profile()
T_MAX = 10_000 if PROFILE == "quick" else 100_000
TS = np.unique(np.geomspace(8, T_MAX, 13).astype(int))
D = 4
METHODS = ("sequential", "lfilter", "chunked", "tree", "log")

rng = np.random.default_rng(241001201)
k = 2.0 * rng.standard_normal((T_MAX, D))
x = 2.0 * rng.standard_normal((T_MAX, D))
z = 1.0 / (1.0 + np.exp(-k))
g = np.where(x >= 0, x + 0.5, 1.0 / (1.0 + np.exp(-np.minimum(x, 0.0))))  # Feng et al. App. B.3
DATA = {
    "minGRU gates (time-varying)": (1.0 - z, z * g),
    "a in {0.5, 0.9, 0.99, 0.999} (time-invariant)": (np.array([0.5, 0.9, 0.99, 0.999]),
                                                      rng.uniform(0.1, 1.0, (T_MAX, D))),
}

arrays = {"T": TS}
results = {}
for di, (dname, (a, b)) in enumerate(DATA.items()):
    for prec in ("float64", "float32"):
        a_p, b_p = np.asarray(a, prec), np.asarray(b, prec)
        u = float(np.finfo(prec).eps) / 2
        ref = exact_linear_scan(a_p, b_p)  # exact recurrence of the (rounded) inputs
        errs = {}
        for m in METHODS:
            if m == "lfilter" and np.ndim(a) == 2:
                continue
            e = np.empty(TS.size)
            for i, T in enumerate(TS):
                a_T = a_p if np.ndim(a) == 1 else a_p[:T]
                h = linear_scan(a_T, b_p[:T], method=m, dtype=prec).astype(np.float64)
                e[i] = np.max(np.abs(h - ref[:T]) / (u * ref[:T]))
            errs[m] = e
            arrays[f"err_{di}_{prec}_{m}"] = e
        log_bound = log_scan_error_bound(a_p, b_p, dtype=prec) / u
        guides = {
            "log bound": np.array([np.max(log_bound[:T]) for T in TS]),
            "2(T+1) worst case": 2.0 * (TS + 1),
            "sqrt(T)": np.sqrt(TS),
        }
        arrays[f"logbound_{di}_{prec}"] = guides["log bound"]
        results[(dname, prec)] = (errs, guides)

save_arrays(figure_dir(ID) / "scan_accuracy", arrays, {"profile": PROFILE, "T_max": T_MAX, "channels": D})

fig, axes = new_axes(nrows=2, ncols=2, figsize=(10.0, 7.5))
for col, dname in enumerate(DATA):
    for row, prec in enumerate(("float64", "float32")):
        errs, guides = results[(dname, prec)]
        plot_scan_errors(TS, errs, guides=guides, ax=axes[row, col], title=f"{dname}, {prec}",
                         ylabel=rf"$\max|h - h_{{\mathrm{{exact}}}}|/(u S_t)$, $u = 2^{{{-53 if prec == 'float64' else -24}}}$")
save_figure(fig, figure_dir(ID) / "scan_accuracy")
plt.close(fig)

# the numbers quoted in papers/feng2024_minrnn/README.md
for (dname, prec), (errs, guides) in results.items():
    worst = ", ".join(f"{m} {v[-1]:.3g}" for m, v in errs.items())
    print(f"{dname} [{prec}] at T={TS[-1]}: {worst}; log bound {guides['log bound'][-1]:.3g} (units of u S_t)")
