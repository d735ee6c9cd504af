"""Hessian at the optimum: complex-diagonal student (polar coordinates) versus dense student.

Both realize the same teacher (two complex modes, |lam| = 0.99 and 0.9, real output). For the
diagonal student the Hessian is nearly diagonal and its top eigenvectors sit on single recurrent
coordinates; for the dense student they are spread over many entries of A, which a diagonal
preconditioner (Adam) cannot capture.
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from linrec.io import figure_dir, get_profile, save_arrays, save_figure
from linrec.memory import (
    dense_impulse_response,
    dense_realization,
    diagonal_dominance,
    diagonal_impulse_response,
    gauss_newton_hessian,
    participation_ratio,
)
from linrec.plotting import new_axes
from linrec.plotting.memory import plot_matrix

ID = "zucchet2024"
PROFILE = get_profile()
T = 400 if PROFILE == "quick" else 4000

rng = np.random.default_rng(7)
lam = np.array([0.99 * np.exp(0.1j), 0.9 * np.exp(1.2j)])
b = np.ones(2, complex)
c = (rng.standard_normal(2) + 1j * rng.standard_normal(2)) / np.sqrt(2)
_, J = diagonal_impulse_response(T, lam, b, c, param="polar")
Hd = gauss_newton_hessian(J)
A, B, C = dense_realization(lam, b, c, rng)  # dense real student with the same impulse response
_, Jn = dense_impulse_response(T, A, B, C)
Hn = gauss_newton_hessian(Jn)

wd, Vd = np.linalg.eigh(Hd)
wn, Vn = np.linalg.eigh(Hn)
pr_d = participation_ratio(Vd[:, ::-1])
pr_n = participation_ratio(Vn[:, ::-1])
save_arrays(figure_dir(ID) / "hessian_structure", {"H_diag": Hd, "H_dense": Hn, "pr_diag": pr_d, "pr_dense": pr_n},
            {"profile": PROFILE, "T": T, "dd_diag": diagonal_dominance(Hd), "dd_dense": diagonal_dominance(Hn)})

fig, axes = new_axes(ncols=3, figsize=(12.0, 3.6))
plot_matrix(Hd, groups={"nu": 2, "theta": 2, "Re b": 2, "Im b": 2, "Re c": 2, "Im c": 2}, ax=axes[0],
            title=f"complex diagonal (polar): diag share {diagonal_dominance(Hd):.2f}")
plot_matrix(Hn, groups={"A": 16, "B": 4, "C": 4}, ax=axes[1],
            title=f"dense: diag share {diagonal_dominance(Hn):.2f}")
k = 6
axes[2].plot(np.arange(1, k + 1), pr_d[:k], "o-", label="complex diagonal (polar)")
axes[2].plot(np.arange(1, k + 1), pr_n[:k], "s-", label="dense")
axes[2].set_xlabel("Hessian eigenvector (by eigenvalue, largest first)")
axes[2].set_ylabel("participation ratio")
axes[2].set_title("coordinates spanned by sharp directions")
axes[2].legend(fontsize="x-small")
save_figure(fig, figure_dir(ID) / "hessian_structure")
plt.close(fig)
