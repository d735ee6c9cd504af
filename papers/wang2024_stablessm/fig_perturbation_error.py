"""Perturbation error E_m(beta) of a fit to polynomial memory: direct (infinite beyond s_min) vs stable maps."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

import linrec.plotting.reparam as pr
from linrec.io import figure_dir, get_profile, save_arrays, save_figure
from linrec.reparam import reparam
from linrec.reparam.approximation import fit_exponentials, memory_kernel, perturbation_error, stability_margin

ID = "wang2024_stablessm"
PROFILE = get_profile()
k = memory_kernel("polynomial", p=2.0)
m = 4
fit = fit_exponentials(k, m, n_starts=2 if PROFILE == "quick" else 6, rng=0)
s = stability_margin(fit)
beta = np.geomspace(1e-3, 3.0, 25 if PROFILE == "quick" else 80)
# resolve the divergence of the direct map as beta -> s_min from below: E ~ |s_min - beta|^(-1/2)
beta = np.unique(np.concatenate([beta, s * (1 - np.geomspace(1e-6, 0.5, 10 if PROFILE == "quick" else 30))]))
b_best = 1.0 / (1.01 * float(-fit.lam.min()))
maps = {"direct": reparam("direct"), "exp": reparam("exp"), "softplus": reparam("softplus"),
        f"best (a=1, b={b_best:.2g})": reparam("best", b=b_best)}
errors, arrays = {}, {"beta": beta, "lam": fit.lam, "c": fit.c}
for i, (label, f) in enumerate(maps.items()):
    errors[label] = perturbation_error(fit, k, f, beta)
    arrays[f"E_{i}"] = errors[label]
save_arrays(figure_dir(ID) / "perturbation_error", arrays, {"profile": PROFILE, "s_min": s, "m": m,
                                                            "maps": list(maps)})
fig, ax = pr.plot_perturbation_errors(beta, errors, s_min=s,
                                      title=rf"fit of $(1+t)^{{-2}}$ with $m = {m}$ modes: $E_m(\beta)$")
save_figure(fig, figure_dir(ID) / "perturbation_error")
plt.close(fig)
