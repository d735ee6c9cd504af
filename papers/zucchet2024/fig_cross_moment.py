"""The cross moment of sensitivities S(lam1, lam2) = E[g'(lam1) g'(lam2)] over the complex plane.

Left: E|dh/dlam|^2 = S(lam, conj lam) (white noise). Right: the normalized overlap
|S(lam0, conj lam)| / sqrt(S(lam0, conj lam0) S(lam, conj lam)) with a fixed lam0: how strongly the
sensitivities of two eigenvalues are coupled (off-diagonal Hessian entries of a diagonal network).
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from linrec.io import figure_dir, get_profile, save_arrays, save_figure
from linrec.memory import generating_function
from linrec.plotting import new_axes
from linrec.plotting.memory import plot_complex_field

ID = "zucchet2024"
PROFILE = get_profile()
n = 300 if PROFILE == "quick" else 800  # even: the grid avoids lam = 0 (log lam = -inf)

r = np.linspace(-1, 1, n)
Z = r[None, :] + 1j * r[:, None]
inside = np.abs(Z) < 0.995
L = np.where(inside, np.log(np.where(inside, Z, 0.5)), np.log(0.5))
S_self = np.real(generating_function(L, np.conj(L), derivatives=True, log=True)[3])
S_self = np.where(inside, S_self, np.nan)
lam0 = 0.95 * np.exp(1j * np.pi / 4)
L0 = np.log(lam0)
S0 = np.real(generating_function(L0, np.conj(L0), derivatives=True, log=True)[3])
S_cross = np.abs(generating_function(np.full_like(L, L0), np.conj(L), derivatives=True, log=True)[3])
overlap = np.where(inside, S_cross / np.sqrt(S0 * S_self), np.nan)

save_arrays(figure_dir(ID) / "cross_moment", {"r": r, "S_self": S_self, "overlap": overlap}, {"profile": PROFILE})
fig, axes = new_axes(ncols=2, figsize=(9.0, 3.8))
plot_complex_field(r, r, S_self, ax=axes[0], label=r"$\mathbb{E}|\partial h/\partial\lambda|^2$",
                   title=r"$S(\lambda, \bar\lambda)$, white noise")
plot_complex_field(r, r, overlap, log=False, ax=axes[1], mark={r"$\lambda_0$": lam0},
                   label=r"normalized $|S(\lambda_0, \bar\lambda)|$",
                   title=r"coupling of sensitivities to $\lambda_0 = 0.95\,e^{i\pi/4}$")
save_figure(fig, figure_dir(ID) / "cross_moment")
plt.close(fig)
