"""LRU ring initialization: eigenvalues uniform in area on r_min <= |lambda| <= r_max.

Left: samples in the complex plane. Right: histogram of |lambda| against the area density
2r/(r_max^2 - r_min^2).
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

import linrec.plotting.reparam as pr
from linrec.growth.ensembles import ring_uniform
from linrec.io import figure_dir, get_profile, save_arrays, save_figure
from linrec.plotting import new_axes

ID = "orvieto2023_lru"
PROFILE = get_profile()
n = 3000 if PROFILE == "quick" else 50000
r_min, r_max = 0.4, 0.99
lam = ring_uniform(n, r_min, r_max, rng=2023)
r = np.linspace(r_min, r_max, 200)
dens = 2 * r / (r_max**2 - r_min**2)
save_arrays(figure_dir(ID) / "ring_init", {"lam": lam}, {"r_min": r_min, "r_max": r_max, "profile": PROFILE})
fig, axes = new_axes(ncols=2, figsize=(8.5, 3.8))
pr.plot_ring(lam, r_min, r_max, ax=axes[0], title=f"ring_uniform(n={n}, r_min={r_min}, r_max={r_max})")
pr.plot_density(np.abs(lam), r, dens, xlabel=r"$|\lambda|$", density_label=r"$2r/(r_{\max}^2-r_{\min}^2)$",
                ax=axes[1], title=r"uniform in area: density of $|\lambda|$ grows like $r$")
save_figure(fig, figure_dir(ID) / "ring_init")
plt.close(fig)
