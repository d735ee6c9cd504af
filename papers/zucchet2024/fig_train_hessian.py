"""Zucchet & Orvieto (2024), Sec. 4-5: why the dense RNN stops learning as nu0 -> 1 — the exact
Hessian of the population loss at the optimum (student = teacher) for the dense and the complex
diagonal parameterizations of the same 10-state teacher.

Shown against 1 - nu0 over 5 teachers: the sharpness lambda_max(H); the participation ratio of
the top eigenvector (about 2 = one conjugate pair of diagonal coordinates, versus spread over
many entries of A); the sharpness left after an ideal diagonal preconditioner (Jacobi scaling,
what Adam can undo). Pure linear algebra through linrec.memory (about 3 s; same in both profiles).
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from linrec.experiments import zucchet2024 as Z
from linrec.io import figure_dir, get_profile, save_arrays, save_figure
from linrec.plotting import new_axes
from linrec.plotting.training import plot_sweep

ID = "zucchet2024"
PROFILE = get_profile()
NU0 = (0.0, 0.36, 0.6, 0.84, 0.9, 0.96, 0.99, 0.995)
SEEDS = 5 if PROFILE == "quick" else 20
KINDS = {"dense": r"dense RNN ($A, B, C$)", "diag_reim": r"complex diagonal, $\mathrm{Re}/\mathrm{Im}\,\lambda$ (cdiag)",
         "diag_exp": r"complex diagonal, $\exp$ (cdiag_exp)", "diag_exp_gamma": r"complex diagonal, $\exp$ + $\gamma$ (LRU)"}
METRICS = {"lam_max": r"$\lambda_{\max}(H)$ at the optimum", "top_pr": "participation ratio of top eigenvector",
           "lam_max_jacobi": r"$\lambda_{\max}$ after diagonal (Jacobi) scaling"}


def main():
    out = {(k, m): np.empty((len(NU0), SEEDS)) for k in KINDS for m in METRICS}
    for i, nu0 in enumerate(NU0):
        for s in range(SEEDS):
            h = Z.hessian_at_teacher(nu0, rng=s, T=300)
            for k in KINDS:
                for m in METRICS:
                    out[(k, m)][i, s] = h[k][m]
    gap = 1 - np.asarray(NU0)
    arrays = {f"{k}/{m}": v for (k, m), v in out.items()} | {"nu0": np.asarray(NU0)}
    save_arrays(figure_dir(ID) / "train_hessian", arrays,
                {"profile": PROFILE, "seeds": SEEDS, "T": 300, "n_teacher": 10})
    fig, axes = new_axes(ncols=3, figsize=(13.0, 3.6))
    for ax, m in zip(axes, METRICS):
        plot_sweep(gap, {KINDS[k]: out[(k, m)] for k in KINDS}, ax=ax, xlabel=r"$1 - \nu_0$", ylabel=m,
                   title=METRICS[m], logy=m == "lam_max")
        ax.invert_xaxis()
    save_figure(fig, figure_dir(ID) / "train_hessian")
    plt.close(fig)
    for k in KINDS:
        print(k, {m: np.round(np.median(out[(k, m)], axis=1), 2).tolist() for m in METRICS})
    return out


if __name__ == "__main__":
    main()
