"""One-dimensional loss landscapes (stationary teacher-student loss, closed form).

Left: student lam against teachers lam* (y = h, no normalization): the loss sharpens at the
optimum as lam* -> 1. Right: angle theta of a complex student with |lam| = |lam*| fixed and
both normalized (gamma = sqrt(1-|lam|^2)): normalization does not remove the sharpening in theta.
Markers: exact finite-T population loss (T = 2000).
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from linrec.io import figure_dir, get_profile, save_arrays, save_figure
from linrec.memory import population_loss, stationary_loss
from linrec.plotting import new_axes
from linrec.plotting.memory import plot_landscape

ID = "zucchet2024"
PROFILE = get_profile()
n_grid = 600 if PROFILE == "quick" else 3000

lam = np.linspace(-0.5, 0.9995, n_grid)
left = {rf"$\lambda^*={ls}$": stationary_loss(lam, ls) for ls in (0.5, 0.9, 0.99)}
theta_star = np.pi / 4
theta = np.linspace(-np.pi, np.pi, n_grid)
right = {}
for nu in (0.8, 0.95, 0.99):
    g = np.sqrt(-np.expm1(2 * np.log(nu)))
    ls = nu * np.exp(1j * theta_star)
    right[rf"$|\lambda|={nu}$"] = stationary_loss(nu * np.exp(1j * theta), ls, c=g, c_star=g)

T = 2000
s = np.arange(T)
lam_pts = np.linspace(-0.4, 0.98, 12)
pop = [population_loss(v**s, 0.9**s) for v in lam_pts]

save_arrays(figure_dir(ID) / "landscape", {"lam": lam, "theta": theta, **{f"lam/lam_star={k}": v for k, v in zip((0.5, 0.9, 0.99), left.values())},
                                           **{f"theta/nu={k}": v for k, v in zip((0.8, 0.95, 0.99), right.values())}}, {"profile": PROFILE})
fig, axes = new_axes(ncols=2, figsize=(9.0, 3.4))
plot_landscape(lam, left, optimum={k: float(k.split("=")[1].rstrip("$")) for k in left}, ax=axes[0], xlabel=r"$\lambda$",
               ylabel="stationary loss", title=r"landscape in $\lambda$ (unnormalized)")
axes[0].plot(lam_pts, pop, "ko", ms=3, mfc="none", label=rf"population loss, $T={T}$, $\lambda^*=0.9$")
axes[0].legend(fontsize="x-small")
plot_landscape(theta, right, optimum={"": theta_star}, ax=axes[1], xlabel=r"$\theta$",
               ylabel="stationary loss", title=r"landscape in $\theta$ (normalized, $|\lambda|$ fixed)")
save_figure(fig, figure_dir(ID) / "landscape")
plt.close(fig)
