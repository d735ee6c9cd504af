"""The exponential parameterization slows |lambda| near the unit circle.

Left: speed |d|lambda|/dw| against the gap 1 - |lambda| for lambda = exp(-e^nu + i e^theta)
(LRU), the gap-scaled angle map and the plain polar/direct modulus. Right: equal weight steps
toward the circle: the LRU gap shrinks geometrically and never crosses; the direct modulus
crosses |lambda| = 1 after finitely many steps.
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

import linrec.plotting.reparam as pr
from linrec.io import figure_dir, get_profile, save_arrays, save_figure
from linrec.plotting import new_axes
from linrec.reparam import complex_reparam

ID = "orvieto2023_lru"
PROFILE = get_profile()
gaps = np.logspace(-0.3, -12, 60 if PROFILE == "quick" else 300)
lru, polar = complex_reparam("lru"), complex_reparam("polar")
nu = np.log(-np.log1p(-gaps))
theta = 0.3
speed_lru = np.abs(np.real(np.conj(lru.f(nu, theta)) * lru.d_nu(nu, theta))) / np.abs(lru.f(nu, theta))
speed_polar = np.abs(np.real(np.conj(polar.f(1 - gaps, theta)) * polar.d_nu(1 - gaps, theta))) / (1 - gaps)
# equal steps toward the circle: LRU nu -> nu - eta; direct r -> r + eta * 0.1
steps = np.arange(0, 40)
eta = 0.5
nu0 = float(np.log(-np.log(0.5)))
gap_lru = lru.gap(nu0 - eta * steps)
r_direct = 0.5 + 0.1 * eta * steps
gap_direct = np.where(r_direct < 1, 1 - r_direct, np.nan)
save_arrays(figure_dir(ID) / "exp_slowing", {"gaps": gaps, "speed_lru": speed_lru, "speed_polar": speed_polar,
                                             "steps": steps, "gap_lru": gap_lru, "gap_direct": gap_direct},
            {"profile": PROFILE, "eta": eta})
fig, axes = new_axes(ncols=2, figsize=(9.0, 3.6))
pr.plot_loglog_curves({r"LRU $\nu$: $|\lambda|\,|\log|\lambda||$": (gaps, speed_lru),
                       r"polar / direct modulus: 1": (gaps, speed_polar)},
                      slopes={r"$1-|\lambda|$": (1.0, 1e-6, 1e-6)}, invert_x=True,
                      xlabel=r"gap $1-|\lambda|$", ylabel=r"$|\partial|\lambda|/\partial w|$", ax=axes[0],
                      title="modulus speed per unit weight")
pr.plot_loglog_curves({rf"LRU: $\nu \leftarrow \nu - {eta}$": (steps, gap_lru),
                       r"direct: $r \leftarrow r + 0.05$ (crosses 1)": (steps, gap_direct)},
                      xscale="linear", marker="o", xlabel="step", ylabel=r"gap $1-|\lambda|$", ax=axes[1],
                      title="equal steps toward the unit circle")
save_figure(fig, figure_dir(ID) / "exp_slowing")
plt.close(fig)
