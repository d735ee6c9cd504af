"""Pseudospectra of a non-normal matrix with rho < 1 and the Kreiss constant from them."""

import matplotlib

matplotlib.use("Agg")
import numpy as np

import linrec.plotting.growth as pg
from linrec.growth import kreiss_constant, pseudospectra, transient_peak
from linrec.io import figure_dir, get_profile, save_arrays, save_figure

ID = "trefethen2005_pseudospectra"
PROFILE = get_profile()
N = 60 if PROFILE == "quick" else 100
m = 120 if PROFILE == "quick" else 200

# bidiagonal Toeplitz A = 0.5 I + 0.7 S (S the shift): the only eigenvalue is 0.5 (rho = 0.5), but the
# pseudospectra approach the disc |z - 0.5| <= 0.7 of the symbol 0.5 + 0.7 e^{i theta}, which pokes
# outside the unit circle: ||A^n|| grows like 1.2^n for n < N before decaying.
A = 0.5 * np.eye(N) + 0.7 * np.eye(N, k=1)
ev = np.array([0.5])      # exact; computed eigenvalues of this Jordan-like matrix scatter by eps^(1/N)
x = np.linspace(-0.6, 1.6, m)
y = np.linspace(-1.1, 1.1, m)
S = pseudospectra(A, x, y)
kc = kreiss_constant(A)
tp = transient_peak(A, n_max=5000)
eps = np.array([1e-12, 1e-9, 1e-6, 1e-3, 1e-1])
save_arrays(figure_dir(ID) / "pseudospectra", {"x": x, "y": y, "sigma_min": S, "eigenvalues": ev},
            {"N": N, "kreiss": kc.value, "peak": tp.peak, "n_peak": tp.n_peak, "rho": float(np.abs(ev).max()),
             "profile": PROFILE})
fig, ax = pg.plot_pseudospectra(
    x, y, S, eps, eigenvalues=ev,
    title=rf"$\rho = {np.abs(ev).max():.2f}$, $K(A) = {kc.value:.3g} \leq \sup_n\|A^n\| = {tp.peak:.3g} \leq eNK$")
save_figure(fig, figure_dir(ID) / "pseudospectra")
