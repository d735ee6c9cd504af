"""Normal vs non-normal A^n with the same eigenvalues, with the Kreiss and numerical-radius bounds."""

import matplotlib

matplotlib.use("Agg")
import numpy as np

import linrec.plotting.growth as pg
from linrec.growth import haar_orthogonal, kreiss_constant, numerical_radius, power_norms, transient_peak
from linrec.io import figure_dir, get_profile, save_arrays, save_figure

ID = "trefethen2005_pseudospectra"
PROFILE = get_profile()
N = 20 if PROFILE == "quick" else 60
n_max = 300 if PROFILE == "quick" else 1000

rng = np.random.default_rng(0)
lam = rng.uniform(-0.9, 0.9, size=N)
T = np.diag(lam) + np.triu(rng.normal(size=(N, N)), 1) * 0.6   # same spectrum, non-normal
Q = haar_orthogonal(N, rng=rng)
A_nonnormal = Q @ T @ Q.T
A_normal = Q @ np.diag(lam) @ Q.T

n = np.arange(n_max + 1)
ln_nn = power_norms(A_nonnormal, n_max, log=True)
ln_n = power_norms(A_normal, n_max, log=True)
kc = kreiss_constant(A_nonnormal)
w = numerical_radius(A_nonnormal)
tp = transient_peak(A_nonnormal)
save_arrays(figure_dir(ID) / "normal_vs_nonnormal",
            {"n": n, "log_nonnormal": ln_nn, "log_normal": ln_n},
            {"N": N, "kreiss": kc.value, "eNK": kc.upper, "numerical_radius": w, "peak": tp.peak,
             "n_peak": tp.n_peak, "profile": PROFILE})
fig, ax = pg.plot_power_norms(
    n, {"non-normal A": ln_nn, "normal, same eigenvalues": ln_n,
        "--2 w(A)^n (numerical radius)": np.log(2) + n * np.log(w)},
    hlines={f"K(A) = {kc.value:.3g}": kc.value, f"e N K(A) = {kc.upper:.3g}": kc.upper},
    title=rf"$N = {N}$, $\rho = {np.max(np.abs(lam)):.2f}$: peak {tp.peak:.3g} at $n = {tp.n_peak}$")
ax.set_ylim(1e-6, 10 * kc.upper)
save_figure(fig, figure_dir(ID) / "normal_vs_nonnormal")
