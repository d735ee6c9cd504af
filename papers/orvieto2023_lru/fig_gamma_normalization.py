"""gamma normalization: scaling the input by gamma = sqrt(1 - |lambda|^2) keeps E|h|^2 = 1 for white noise.

Monte Carlo over white-noise sequences (mean +- 2 SE) against the closed forms 1 (with gamma)
and 1/(1 - |lambda|^2) (without).
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

import linrec.plotting.reparam as pr
from linrec.io import figure_dir, get_profile, save_arrays, save_figure
from linrec.reparam import complex_reparam

ID = "orvieto2023_lru"
PROFILE = get_profile()
mods = np.array([0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995])
n = 4000 if PROFILE == "quick" else 40000
lru = complex_reparam("lru")
rng = np.random.default_rng(7)
res = {"with": ([], []), "without": ([], [])}
exact = {"with": [], "without": []}
for r in mods:
    nu = float(np.log(-np.log(r)))
    lam = complex(lru.f(nu, np.log(0.7)))
    gamma = float(lru.normalization(nu))
    T = int(np.ceil(8.0 / (1 - r**2)))
    h_g = np.zeros(n, complex)
    h_0 = np.zeros(n, complex)
    for _ in range(T):
        x = rng.standard_normal(n)
        h_g = lam * h_g + gamma * x
        h_0 = lam * h_0 + x
    for key, h, scale in (("with", h_g, gamma**2), ("without", h_0, 1.0)):
        p2 = np.abs(h) ** 2
        res[key][0].append(p2.mean())
        res[key][1].append(p2.std(ddof=1) / np.sqrt(n))
        exact[key].append(scale * (1 - r ** (2 * T)) / (1 - r**2))
save_arrays(figure_dir(ID) / "gamma_normalization",
            {"mods": mods, **{f"{k}_mean": np.array(v[0]) for k, v in res.items()},
             **{f"{k}_se": np.array(v[1]) for k, v in res.items()}}, {"n": n, "profile": PROFILE})
fig, ax = pr.plot_state_variance(
    mods, {r"MC, input $\gamma x$": res["with"], "MC, input x": res["without"]},
    predicted={r"$\gamma^2(1-|\lambda|^{2T})/(1-|\lambda|^2)\approx 1$": exact["with"],
               r"$1/(1-|\lambda|^2)$": exact["without"]},
    title=rf"white noise, {n} sequences, $T = 8/(1-|\lambda|^2)$")
save_figure(fig, figure_dir(ID) / "gamma_normalization")
plt.close(fig)
