"""Discretization atlas of a diagonal SSM mode: stability maps and the curse of memory.

(a) λ = ψ(z) along the negative real axis z = Δa < 0: ZOH, bilinear and backward Euler stay in
(−1, 1); forward Euler leaves the disk at z < −2. (b) |λ| along the imaginary direction
z = −1/2 + iy: ZOH keeps |λ| = e^{−1/2}, bilinear tends to 1 (high frequencies lose their
damping), backward Euler to 0, forward Euler grows. (c) White-noise sensitivity E[(∂h/∂a)²]
of the discretized mode (Δ = 1, a → 0⁻, B̄ discretized) against 1 − |λ|: every method grows
like (1 − |λ|)^{−3} (dotted: Δ⁴/4 g^{−3}); through Mamba's A_log = log(−a) only like g^{−1}.
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

import linrec.plotting.discretization as pd
from linrec.io import figure_dir, get_profile, save_arrays, save_figure
from linrec.plotting import new_axes
from linrec.reparam import reparam
from linrec.reparam.discretization import (
    DISCRETIZATIONS,
    discretization_gap,
    discretize,
    discretized_criteria,
    discretized_sensitivity,
    exact_sensitivity_exponent,
    sensitivity_exponent,
    stability_region,
)

ID = "gu2023_mamba"
PROFILE = get_profile()
n = 121 if PROFILE == "quick" else 801
LABELS = {"zoh": "ZOH", "bilinear": "bilinear", "forward_euler": "forward Euler",
          "backward_euler": "backward Euler", "zoh_euler": "ZOH-A / Euler-B (Mamba)"}

x_real = np.linspace(-6.0, 0.0, n)
y_imag = np.linspace(0.0, 12.0, n)
z_imag = -0.5 + 1j * y_imag
eps = np.logspace(-0.3, -8, n // 2)
arrays = {"x_real": x_real, "y_imag": y_imag, "eps": eps}
meta = {"profile": PROFILE, "delta": 1.0, "re_z_imag_panel": -0.5, "exponents": {}}
real_curves, imag_curves, gaps, sens = {}, {}, {}, {}
for method in DISCRETIZATIONS:
    lam_r, _ = discretize(x_real, 1.0, method)
    lam_i, _ = discretize(z_imag, 1.0, method)
    s_a = discretized_sensitivity(-eps, 1.0, method, param="a")
    s_log = discretized_sensitivity(-eps, 1.0, method, param="a_log")
    g = discretization_gap(-eps, method)
    arrays[f"{method}_lam_real"], arrays[f"{method}_abs_lam_imag"] = lam_r, np.abs(lam_i)
    arrays[f"{method}_gap"], arrays[f"{method}_sens_a"], arrays[f"{method}_sens_a_log"] = g, s_a, s_log
    meta["exponents"][method] = {"a": exact_sensitivity_exponent(method, "a"),
                                 "a_log": exact_sensitivity_exponent(method, "a_log")}
    if method == "zoh_euler":  # same λ as ZOH: drawn dashed on top of it
        real_curves["--" + LABELS[method]] = lam_r
        imag_curves["--" + LABELS[method]] = np.abs(lam_i)
        sens["--" + LABELS[method]], gaps["--" + LABELS[method]] = s_a, g
        continue
    real_curves[LABELS[method]] = lam_r
    imag_curves[LABELS[method]] = np.abs(lam_i)
    sens[LABELS[method]], gaps[LABELS[method]] = s_a, g
for method in ("zoh", "bilinear"):
    key = f"--{LABELS[method]}, $p=\\log(-a)$"
    sens[key], gaps[key] = arrays[f"{method}_sens_a_log"], arrays[f"{method}_gap"]

# README summary: every number below is measured here (the claims in
# tests/claims/test_gu2023_mamba_discretization.py check the same quantities)
FORMULAS = {"zoh": "e^z", "bilinear": "(1 + z/2)/(1 − z/2)", "forward_euler": "1 + z",
            "backward_euler": "1/(1 − z)", "zoh_euler": "e^z (B̄ = ΔB)"}
xg = np.concatenate([-np.geomspace(1e-12, 8.0, 201), np.geomspace(1e-12, 8.0, 201), [0.0]])
zg = (xg[None, :] + 1j * xg[:, None])
zl = zg[zg.real < 0]
zb = zg[(zg.real <= 0) & (np.abs(zg) >= 1e-6)]
rows = {}
for method in DISCRETIZATIONS:
    frac = float(np.mean(stability_region(zl, method)))
    ka, kl = sensitivity_exponent(method, "a"), sensitivity_exponent(method, "a_log")
    bb = discretize(zb, 1.0, method)[1]
    bratio = float(np.max(np.abs(bb - 1.0) / np.abs(zb)))
    verdicts = []
    for name in ("exp", "softplus", "best", "direct"):
        c = discretized_criteria(reparam(name), 0.5, method)
        verdicts.append(c.verdict + ("" if c.in_unit_disk else "*"))
    rows[LABELS[method]] = [f"λ = {FORMULAS[method]}", f"{100 * frac:.1f}%", f"{ka.exact} / {ka.measured:.6f}",
                            f"{kl.exact} / {kl.measured:.6f}", f"{bratio:.4f}", ", ".join(verdicts)]
meta["summary"] = {
    "columns": ["map", "stable share of a Re z < 0 grid", r"k in E[(∂h/∂a)²] ~ (Δ\|a\|)^−k (derived / measured)",
                "k for p = log(−a)", r"max \|B̄ − ΔB\|/(\|z\|Δ\|B\|)",  # pipes escaped for the README table
                "exp, softplus, best, direct after discretizing (Δ = ½; * = λ can leave the disk)"],
    "rows": rows,
}

fig, axes = new_axes(ncols=3, figsize=(13.5, 3.8))
pd.plot_eigenvalue_curves(x_real, real_curves, xlabel=r"$z=\Delta a$ (real, $<0$)", ylabel=r"$\lambda=\psi(z)$",
                          ylim=(-2.5, 1.3), ax=axes[0], title=r"(a) $\lambda$ on the negative real axis")
pd.plot_eigenvalue_curves(y_imag, imag_curves, xlabel=r"$\mathrm{Im}\,z$ ($\mathrm{Re}\,z=-1/2$)",
                          ylabel=r"$|\lambda|$", unit=(1.0,), ylim=(0.0, 2.0), ax=axes[1],
                          title=r"(b) $|\lambda|$ along $z=-\frac{1}{2}+iy$")
g0 = float(arrays["zoh_gap"][-1])
pd.plot_sensitivity_growth(gaps, sens, slopes={r"$\frac{1}{4}(1-|\lambda|)^{-3}$": (-3, g0, 0.25 * g0**-3.0),
                                               r"$\frac{1}{4}(1-|\lambda|)^{-1}$": (-1, g0, 0.25 / g0)},
                           ylabel=r"$\mathbb{E}[(\partial h/\partial p)^2]$ (solid: $p=a$)", ax=axes[2],
                           title=r"(c) curse of memory, $\Delta=1$, $a\to 0^-$")
save_arrays(figure_dir(ID) / "discretization", arrays, meta)
save_figure(fig, figure_dir(ID) / "discretization")
plt.close(fig)
