"""Stability margin s_min(m) of L2-optimal m-term exponential fits: exponential vs polynomial memory."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

import linrec.plotting.reparam as pr
from linrec.io import figure_dir, get_profile, save_arrays, save_figure
from linrec.reparam.approximation import margin_curve, memory_kernel

ID = "wang2024_stablessm"
PROFILE = get_profile()
ms = np.arange(1, 7 if PROFILE == "quick" else 11)
kernels = {
    "exponential $e^{-0.5t}$": memory_kernel("exponential", rate=0.5),
    "polynomial $(1+t)^{-2}$": memory_kernel("polynomial", p=2.0),
    "polynomial $(1+0.1t)^{-1.1}$": memory_kernel("polynomial", p=1.1, scale=10.0),
}
margins, errors, arrays = {}, {}, {"m": ms}
for i, (label, k) in enumerate(kernels.items()):
    s, e, _ = margin_curve(k, ms, n_starts=2 if PROFILE == "quick" else 6, rng=i)
    margins[label], errors[label] = s, e
    arrays[f"margin_{i}"], arrays[f"error_{i}"] = s, e
save_arrays(figure_dir(ID) / "stability_margin", arrays, {"profile": PROFILE, "kernels": list(kernels)})
fig, ax = pr.plot_margins(ms, margins, errors=errors,
                          title="curse of memory: the margin collapses only for polynomial memory")
save_figure(fig, figure_dir(ID) / "stability_margin")
plt.close(fig)
