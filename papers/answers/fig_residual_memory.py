"""The lambda = 1 boundary: curse-of-memory sensitivity, the SSM fix, and unitary A.

Left: stationary sensitivity E[(dh/dlam)^2] of h_t = lam h_{t-1} + x_t (closed form, Zucchet &
Orvieto 2024) as the gap 1 - lam -> 0, against the same with normalization gamma = sqrt(1 - lam^2)
and the exp(-exp(omega)) reparameterization (bounded), and the finite-T sensitivity at lam = 1
(the purely linear residual path). Right: a unitary A keeps ||A^n x|| = ||x|| while the angle
sensitivity E[(d Re h_T / d theta)^2] at |lam| = 1 grows like T^3.
"""

import matplotlib

matplotlib.use("Agg")
import numpy as np

from linrec.growth import haar_unitary
from linrec.io import figure_dir, get_profile, save_arrays, save_figure
from linrec.memory import exact_sensitivity, sensitivity
from linrec.plotting import new_axes

ID = "answers"
PROFILE = get_profile()
THETA = 0.3
gaps = np.logspace(-4, -0.5, 30)
Ts = np.unique(np.logspace(1, 3 if PROFILE == "quick" else 3.5, 15).astype(int))
N = 32
rng = np.random.default_rng(0)

raw = sensitivity("lam", gap=gaps)
normed = sensitivity("lam", gap=gaps, normalization="independent")
omega = sensitivity("omega", omega=np.log(-np.log1p(-gaps)), normalization="independent")
at_one = np.array([exact_sensitivity(int(T), "lam", 1.0) for T in Ts])
theta_sens = np.array([exact_sensitivity(int(T), "theta", gap=0.0, theta=THETA) for T in Ts])

Q = haar_unitary(N, rng=rng)
x = rng.standard_normal(N) + 1j * rng.standard_normal(N)
n_max = int(Ts[-1])
norms = np.empty(n_max + 1)
v = x.copy()
for n in range(n_max + 1):
    norms[n] = np.linalg.norm(v) / np.linalg.norm(x)
    v = Q @ v

fig, axes = new_axes(ncols=2, figsize=(9, 3.6))
ax = axes[0]
ax.loglog(gaps, raw, label="h = λh + x: E[(∂h/∂λ)²]")
ax.loglog(gaps, normed, label="normalized γ = √(1-λ²)")
ax.loglog(gaps, omega, label="normalized + λ = exp(-exp(ω)), ∂/∂ω")
ax.set_xlabel("gap 1 - λ")
ax.set_ylabel("stationary sensitivity")
ax.set_title("λ → 1: the sensitivity diverges (gap⁻³)")
ax.legend(fontsize=7)
ax = axes[1]
ax.loglog(Ts, at_one, "o-", ms=3, label="λ = 1 (residual path): E[(∂h_T/∂λ)²]")
ax.loglog(Ts, theta_sens, "s-", ms=3, label=f"|λ| = 1, θ = {THETA}: E[(∂Re h_T/∂θ)²]")
ax.loglog(np.arange(n_max + 1)[1:], norms[1:], "k-", lw=1, label=f"||Qⁿx|| / ||x||, Q Haar unitary N = {N}")
ax.set_xlabel("T (memory length)")
ax.set_title("unitary: norm kept, sensitivity ~ T³")
ax.legend(fontsize=7)
save_arrays(figure_dir(ID) / "residual_memory",
            {"gaps": gaps, "raw": raw, "normed": normed, "omega": omega, "Ts": Ts, "at_one": at_one,
             "theta_sens": theta_sens, "unitary_norms": norms},
            {"theta": THETA, "N": N, "profile": PROFILE})
save_figure(fig, figure_dir(ID) / "residual_memory")
