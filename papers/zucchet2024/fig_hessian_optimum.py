"""Curvature of the loss at the optimum against the teacher's lam*, per parameterization and
normalization (scalar student y = h, white-noise inputs).

Lines: the T -> infinity Hessian, equal to the stationary sensitivity E[(dh/dp)^2] (closed
form). Markers: the exact finite-T Gauss-Newton Hessian sum_s (1 - s/T) (dk_s/dp)^2 (T = 4000).
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from linrec.io import figure_dir, get_profile, save_arrays, save_figure
from linrec.memory import gauss_newton_hessian, scalar_impulse_response, sensitivity
from linrec.plotting.memory import plot_loglog

ID = "zucchet2024"
PROFILE = get_profile()
T = 4000 if PROFILE == "quick" else 40000

gaps = np.logspace(-8, np.log10(0.5), 200)
omega = np.log(-np.log1p(-gaps))  # lam = exp(-exp(omega)) has gap `gaps`
curves, pts = {}, {}
for norm, tag in [(None, "no normalization"), ("function", "gamma(lam)"), ("independent", "gamma independent")]:
    curves[f"lam, {tag}"] = sensitivity("lam", gap=gaps, normalization=norm)
    curves[f"--omega (exp), {tag}"] = sensitivity("omega", omega=omega, normalization=norm)
pg = np.array([0.3, 0.1, 0.03, 0.01])
for norm, param in [(None, "lam"), ("function", "omega")]:
    vals = []
    for g in pg:
        kw = dict(gap=g) if param == "lam" else dict(omega=float(np.log(-np.log1p(-g))))
        _, J = scalar_impulse_response(T, param=param, normalization=norm, **kw)
        vals.append(gauss_newton_hessian(J)[0, 0])
    pts[f"finite T={T}: {param}, {norm or 'none'}"] = (pg, np.array(vals))

save_arrays(figure_dir(ID) / "hessian_optimum", {"gaps": gaps, **{k.lstrip("-"): v for k, v in curves.items()}},
            {"profile": PROFILE, "T": T})
fig, ax = plot_loglog(gaps, curves, points=pts, xlabel=r"$1 - \lambda^*$", ylabel="Hessian at the optimum",
                      title="curvature at the optimum (scalar student, white noise)",
                      ref_slopes={"slope -3": (-3.0, 1e-8, 2.5e23), "slope -2": (-2.0, 1e-8, 5e15)})
save_figure(fig, figure_dir(ID) / "hessian_optimum")
plt.close(fig)
