"""Jordan growth ||J_k(rho)^n|| = Theta(n^(k-1) rho^n) with the exact leading coefficient."""

import matplotlib

matplotlib.use("Agg")
import numpy as np
import sympy as sp

import linrec.plotting.growth as pg
from linrec.growth import power_norms
from linrec.growth.symbolic import growth_class
from linrec.io import figure_dir, get_profile, save_arrays, save_figure

ID = "trefethen2005_pseudospectra"
PROFILE = get_profile()
rho = sp.Rational(97, 100)
n_max = 600 if PROFILE == "quick" else 3000
n = np.arange(1, n_max + 1)
curves, arrays = {}, {"n": n}
for k in (1, 2, 3, 4):
    J = sp.Matrix(k, k, lambda i, j: rho if i == j else (1 if j == i + 1 else 0))
    g = growth_class(J)
    Jf = np.array(J.evalf(), dtype=float)
    ln = power_norms(Jf, n, log=True)
    asym = np.log(float(g.coefficient)) + (k - 1) * np.log(n) + n * np.log(float(rho))
    curves[f"k = {k}"] = ln
    curves[f"--C n^{k - 1} rho^n, C = {sp.nsimplify(g.coefficient)}"] = asym
    arrays[f"log_k{k}"], arrays[f"asym_k{k}"] = ln, asym
save_arrays(figure_dir(ID) / "jordan_growth", arrays, {"rho": float(rho), "profile": PROFILE})
fig, ax = pg.plot_power_norms(n, curves, title="Jordan block J_k(0.97): exact growth class (sympy) vs float64")
ax.set_ylim(1e-6, None)
save_figure(fig, figure_dir(ID) / "jordan_growth")
