"""Claims about discretizing a diagonal SSM mode (Mamba's ZOH, S4's bilinear, Euler), linrec.reparam.discretization.

1. Stability regions: ZOH, bilinear and backward Euler map every Re z < 0 inside the unit disk;
   forward Euler only |1 + z| < 1 (checked on a dense grid, exact sign of 1 − |λ|²).
2. Curse of memory after discretization: the white-noise sensitivity of the discretized mode
   grows like (Δ|a|)^{−k} with the derived k, for every method (the exponent does not depend on
   the discretization, only on the parameter and on what is held fixed).
3. Mamba's ZOH-for-A / Euler-for-B agrees with full ZOH to O(z):
   |B̄_zoh − ΔB| ≤ |z| Δ|B|/2 for every Re z ≤ 0, tight as z → 0.
4. Composition with StableSSM's reparameterizations: exp, softplus and best stay stable
   (bounded gradient-over-distance ratio, same boundary exponent, stable verdict) after ZOH,
   bilinear and backward Euler; direct does not.

Everything here is deterministic (no random draws): there is no seed to shift.
"""

import numpy as np
import pytest

from linrec.reparam import reparam
from linrec.reparam.discretization import (
    DISCRETIZATIONS,
    discretize,
    discretized_criteria,
    one_minus_abs2,
    sensitivity_exponent,
    stability_region,
)

PAPER = "gu2023_mamba"
EPS = np.finfo(float).eps


def _plane(n=401, r=8.0):
    """Dense grid of z: geometric in |Re z|, |Im z| from 1e-14 to r, both signs, plus the axes."""
    x = np.concatenate([-np.geomspace(1e-14, r, n), [0.0], np.geomspace(1e-14, r, n)])
    X, Y = np.meshgrid(x, x)
    return X + 1j * Y


@pytest.mark.claim
@pytest.mark.parametrize("method", ["zoh", "bilinear", "backward_euler", "zoh_euler"])
def test_left_half_plane_is_stable(claim, method):
    z = _plane()
    bad = int(np.sum(~stability_region(z[z.real < 0], method)))
    claim.check_bound(paper=PAPER, equation="Sec. 2 eq. (4) (ZOH); S4 Sec. 2 (bilinear)",
                statement=f"{method}: every z = Δa with Re z < 0 on a {z.size}-point grid "
                          "(|Re z|, |Im z| in [1e-14, 8]) maps to |λ| < 1 (count of failures)",
                bound=0, measured=bad, relation="<=",
                why="exact: the sign of the numerator of 1 - |λ|² (−2 Re z, −expm1(2 Re z), |z|² − 2 Re z) "
                    "is computed without cancellation, so no rounding tolerance is needed")


@pytest.mark.claim
def test_forward_euler_region_is_the_disk(claim):
    z = _plane()
    st = stability_region(z, "forward_euler")
    circle = np.abs(1 + z)
    far = np.abs(circle - 1) > 1e-12  # np.abs(1 + z) itself has rounding ~ 2 eps |1 + z| < 1e-14 here
    wrong = int(np.sum(st[far] != (circle < 1)[far]))
    claim.check_bound(paper=PAPER, equation="forward Euler λ = 1 + z",
                statement="forward Euler: |λ| < 1 exactly on the disk |1 + z| < 1 (grid points misclassified, "
                          "outside a 1e-12 band around the circle)",
                bound=0, measured=wrong, relation="<=",
                why="exact sign of −(2 Re z + |z|²); the reference |1 + z| (np.abs) has relative rounding "
                    "<= 2 eps, hence the 1e-12 exclusion band")
    # negative control: forward Euler is NOT stable on the whole left half plane (e.g. real z < -2)
    unstable_lhp = int(np.sum(~st[z.real < 0]))
    claim.check_bound(paper=PAPER, equation="forward Euler λ = 1 + z",
                      statement="negative control: forward Euler leaves the disk for some Re z < 0 "
                                "(count of unstable left-half-plane grid points)",
                      bound=1, measured=unstable_lhp, relation=">=",
                      why="exact count; every real z < -2 gives λ < -1")


# First-order coefficient S1 of the log-log slope, d log E / d log ε = −k + S1 ε + O(ε²), derived
# with sympy (series in ε of ε E'(ε)/E(ε) for the closed form of discretized_sensitivity, Δ = 1,
# a = −ε or a = −1, Δ = ε; about 30 s for the whole table, so not rerun here; the forward and
# backward Euler rows are re-derived in tests/test_reparam_discretization.py). ZOH and bilinear have
# S1 = 0 in every case (their corrections start at ε²).
CASES = [("a", "delta", True), ("a_log", "delta", True), ("delta", "delta", True), (None, "delta", True),
         ("a", "a", True), ("a", "a", False), ("delta", "a", True), ("delta", "a", False)]
_FE = dict(zip(CASES, (0.5, 0.5, 1.5, 0.5, 0.5, 0.5, 1.5, 0.5)))
_ZE = dict(zip(CASES, (0.0, 0.0, 2.0, 1.0, 0.0, 0.0, 2.0, 0.0)))
S1 = {"zoh": dict.fromkeys(CASES, 0.0), "bilinear": dict.fromkeys(CASES, 0.0), "forward_euler": _FE,
      "backward_euler": {c: -v for c, v in _FE.items()}, "zoh_euler": _ZE}
EPS_GRID = np.logspace(-6, -9, 7)  # sensitivity_exponent's default grid; the last step is [1e-9, 10^-8.5]


@pytest.mark.claim
@pytest.mark.parametrize("method", DISCRETIZATIONS)
def test_sensitivity_exponents(claim, method):
    for case in CASES:
        param, fixed, bs = case
        r = sensitivity_exponent(method, param, fixed=fixed, b_scaling=bs, eps=EPS_GRID)
        # cross-check of the derived S1 with the data: at ε = 1e-4 the slope deviation is S1 ε + O(ε²)
        far = sensitivity_exponent(method, param, fixed=fixed, b_scaling=bs, eps=[1e-4 * 10**0.01, 1e-4])
        # measured = k − S1 ε̄, ε̄ = the log-mean of the step [1e-4, 10^0.01 1e-4]; O(ε²) ~ 1e-8
        e_bar = 1e-4 * (10**0.01 - 1) / np.log(10**0.01)
        assert abs((r.exact - far.measured) - S1[method][case] * e_bar) <= 1e-7
        # truncation: the endpoint slope is the mean of −k + S1 ε over [ε_n, ε_{n−1}], so
        # |measured − k| <= |S1| ε_{n−1} + O(ε²) (ε² terms < 1e-16); rounding: log E has relative
        # error <= 100 eps (a few dozen flops), the slope divides the difference of two by log(10^0.5)
        tol = abs(S1[method][case]) * EPS_GRID[-2] + 1e-16 + 2 * 100 * EPS / np.log(10**0.5)
        what = "E[h^2]" if param is None else f"E[(dh/dp)^2], p = {param}"
        claim.check(paper=PAPER, equation="Sec. 2 eq. (4); sensitivity (1+λ²)/(1-λ²)³ with the B̄(a) chain rule",
                    statement=f"{method}, {what}, {fixed} fixed, B {'discretized' if bs else 'fixed'}: "
                              "~ (Δ|a|)^-k as Δ|a| -> 0 (local log-log slope at Δ|a| = 1e-9)",
                    predicted=float(r.exact), measured=r.measured, atol=tol,
                    why=f"truncation |S1| eps_(n-1) with the sympy-derived S1 = {S1[method][case]} "
                        "(eps_(n-1) = 10^-8.5) plus slope rounding 200 eps/log(10^0.5)")
    # negative control: the A_log sensitivity's slope is measurably not the a exponent 3
    r = sensitivity_exponent(method, "a_log")
    claim.check_bound(paper=PAPER, equation="A_log = log(-a)",
                      statement=f"negative control ({method}): the A_log slope differs from the a exponent 3 "
                                "by >= 1.9",
                      bound=1.9, measured=abs(r.measured - 3.0), relation=">=",
                      why="derived exponents 1 vs 3; the measured slope is within 1e-8 of 1")


@pytest.mark.claim
def test_mamba_zoh_euler_agrees_with_zoh_to_first_order(claim):
    z = _plane(201, 30.0)
    z = z[z.real <= 0].ravel()
    delta, B = 0.7, 1.3 - 0.4j
    a = z / delta
    lam_z, b_z = discretize(a, delta, "zoh", B=B)
    lam_m, b_m = discretize(a, delta, "zoh_euler", B=B)
    nz = np.abs(z) >= 1e-6
    ratio = np.abs(b_z - b_m)[nz] / (np.abs(z) * delta * abs(B))[nz]
    # |expm1(z)/z − 1| = |∫_0^1 (e^{zs} − 1) ds| <= ∫_0^1 |z| s ds = |z|/2 for Re z <= 0
    # (|e^w − 1| <= |w| when Re w <= 0). Rounding: B̄_zoh − ΔB has absolute error <= 4 eps Δ|B|,
    # i.e. 8 eps/|z| relative to the bound |z|Δ|B|/2: at |z| >= 1e-6 a relative slack 8 eps/1e-6.
    claim.check_bound(paper=PAPER, equation="Sec. 2 eq. (4) vs the implementation's B̄ = ΔB",
                      statement="|B̄_zoh − ΔB| <= |z| Δ|B|/2 for every Re z <= 0 (max ratio to |z|Δ|B| on a grid, "
                                "|z| from 1e-6 to 42)",
                      bound=0.5, measured=float(np.max(ratio)), relation="<=", slack=8 * EPS / 1e-6,
                      why="exact inequality; relative slack = absolute rounding 4 eps Δ|B| of B̄_zoh − ΔB "
                          "relative to |z|Δ|B|/2 at the smallest |z| = 1e-6 (2e-9)")
    claim.check_bound(paper=PAPER, equation="Sec. 2 eq. (4)",
                statement="zoh_euler keeps the exact ZOH eigenvalue λ = exp(Δa) (max |λ_zoh − λ_mamba|)",
                bound=0.0, measured=float(np.max(np.abs(lam_z - lam_m))), relation="<=",
                why="the same expression exp(z) is evaluated")
    zs = np.array([-1e-6, -1e-6j])
    tight = np.abs(discretize(zs, 1.0, "zoh")[1] - 1.0) / np.abs(zs)
    claim.check(paper=PAPER, equation="expm1(z)/z = 1 + z/2 + z²/6 + ...",
                statement="the bound is tight as z -> 0: |B̄_zoh − ΔB|/(|z|Δ|B|) at |z| = 1e-6 "
                          "(real and imaginary z)",
                predicted=0.5, measured=float(np.min(tight)), rtol=1e-6,
                why="next series term |z|/6 relative to 1/2 is 3.3e-7; rounding of expm1(z)/z − 1 "
                    "is 4 eps/1e-6 = 9e-10")


@pytest.mark.claim
@pytest.mark.parametrize("name,k,ratio_bound", [("exp", 1.0, 1.0), ("softplus", 1.0, 1.0),
                                                 ("best", 0.5, float(np.sqrt(1.0 / 0.5)))])
@pytest.mark.parametrize("method", ["zoh", "bilinear", "backward_euler"])
def test_stable_reparams_stay_stable(claim, name, k, ratio_bound, method):
    c = discretized_criteria(reparam(name), 0.5, method)
    claim.check(paper="wang2024_stablessm", equation="Thm 3.6 gradient scale G = |λ'|/(1-λ)²",
                statement=f"{method}({name}), Δ = 0.5: boundary exponent k of G ~ d^-k equals the continuous one",
                predicted=k, measured=c.k_discrete, atol=1e-5,
                why="G_d = G_c/Δ (1 + O(d)); boundary_exponent fits d in [1e-12, 1e-6], so the fitted slope "
                    "is off by O(10 d_max) <= 1e-5")
    claim.check_bound(paper="wang2024_stablessm", equation="Def. 3.4 (S_f ≈ β sup|d log d/dw|)",
                      statement=f"{method}({name}): sup_w |λ_d'|/(1-λ_d) stays bounded by the continuous "
                                f"sup |f'|/|f| = {ratio_bound:.4g}",
                      bound=ratio_bound, measured=c.ratio_discrete, relation="<=", slack=1e-12,
                      why="exact: ratio_d = r(z) ratio_c with r = x/(e^x-1), 1/(1-z/2), 1/(1-z) in (0, 1]; "
                          "slack for rounding of a few operations")
    claim.check_bound(paper="wang2024_stablessm", equation="Def. 3.4",
                statement=f"{method}({name}): stability verdict of the composed map is 'stable' (1 = yes)",
                bound=1.0, measured=float(c.verdict == "stable"), relation=">=",
                why="S_f finite and shrinking with beta (numeric supremum of linrec.reparam.criteria)")


@pytest.mark.claim
@pytest.mark.parametrize("method", ["zoh", "bilinear", "backward_euler"])
def test_direct_stays_unstable(claim, method):
    c = discretized_criteria(reparam("direct"), 0.5, method)
    # negative control: direct has ratio 1/|w| -> ∞ as w -> 0⁻ (grid reaches |w| = 1e-12)
    claim.check_bound(paper="wang2024_stablessm", equation="Def. 3.4",
                      statement=f"{method}(direct): sup_w |λ_d'|/(1-λ_d) is unbounded (>= 0.5e12 on a grid "
                                "reaching w = -1e-12)",
                      bound=0.5e12, measured=c.ratio_discrete, relation=">=",
                      why="ratio_d = r(Δw)/|w| with r(Δw) = 1 - O(Δ|w|) at |w| = 1e-12")
    claim.check_bound(paper="wang2024_stablessm", equation="Def. 3.4",
                statement=f"{method}(direct): stability verdict is 'unstable' (1 = yes)",
                bound=1.0, measured=float(c.verdict == "unstable"), relation=">=",
                why="the domain w < 0 is bounded, so S_f(β) = ∞ for every β > 0")
    assert np.all(one_minus_abs2(-np.geomspace(1e-12, 1e3, 50), method) > 0)
