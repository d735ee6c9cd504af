"""Claims on A^n, non-normal transients, the Kreiss matrix theorem and pseudospectra.

Trefethen & Embree, "Spectra and Pseudospectra" (Princeton 2005), Part IV. Each prediction
(closed form or theorem) is compared with an independent computation (exact rational
arithmetic, float64 linear algebra on the Schur form, mpmath).
"""

import mpmath
import numpy as np
import pytest
import sympy as sp

from linrec.growth.numeric import (
    kreiss_constant,
    numerical_radius,
    power_norms,
    pseudospectra,
    pseudospectral_radius,
    spectral_radius,
    transient_peak,
)
from linrec.growth.symbolic import growth_class, jordan2_transient_peak, power_closed_form

PAPER = "trefethen2005_pseudospectra"
EPS = np.finfo(float).eps


@pytest.mark.claim
def test_jordan_closed_form_equals_exact_repeated_multiplication(claim):
    R = sp.Rational
    A = sp.Matrix([[R(9, 10), 1, 0], [0, R(9, 10), 1], [0, 0, R(-1, 2)]])
    cf = power_closed_form(A)
    n = 40
    closed = cf.expr.subs(cf.n, n).applyfunc(sp.nsimplify)
    exact = A**n                       # exact rational repeated multiplication
    assert (closed - exact).applyfunc(sp.simplify) == sp.zeros(3)
    claim.check(paper=PAPER, equation="Ch. 16 (A^n = P J^n P^-1, Jordan blocks)",
                statement="Jordan closed form of A^40 equals exact rational repeated multiplication "
                          "(defective 0.9 block of size 2 + eigenvalue -1/2), entry (0,1) shown",
                predicted=float(closed[0, 1]), measured=float(exact[0, 1]), rtol=EPS,
                why="both are the same exact rational (asserted symbolically); tolerance = one float64 "
                    "rounding of the conversion")


@pytest.mark.claim
def test_nonnormal_transient_peak(claim):
    lam, alpha = 0.95, 1.0
    pred = jordan2_transient_peak(lam, alpha)
    tp = transient_peak([[lam, alpha], [0.0, lam]])
    assert spectral_radius([[lam, alpha], [0.0, lam]]) < 1
    claim.check(paper=PAPER, equation="Ch. 14 (transient of a non-normal 2x2, Fig. 14.2)",
                statement="rho(A) = 0.95 < 1 yet ||A^n|| rises to a peak before decaying; exponent of the "
                          "peak: closed form (argmax of lam^n (u + sqrt(u^2+4))/2) vs float64 powers",
                predicted=pred["n_peak"], measured=tp.n_peak, atol=0.5,
                why="integers: exact agreement required (atol 0.5 < 1)")
    claim.check(paper=PAPER, equation="Ch. 14",
                statement="value of the transient peak max_n ||A^n||_2 for A = [[0.95, 1], [0, 0.95]]",
                predicted=float(pred["peak"]), measured=tp.peak, rtol=100 * tp.n_peak * EPS,
                why="n_peak matrix products each with relative rounding O(eps); factor 100 for the "
                    "2x2 SVD and the closed form's float evaluation")
    assert tp.peak > 7 and tp.certified


@pytest.mark.claim
def test_growth_class_leading_coefficient(claim):
    R = sp.Rational
    A = [[R(1, 2), 1, 0], [0, R(1, 2), 1], [0, 0, R(1, 3)]]
    g = growth_class(A)
    Af = np.array(sp.Matrix(A).evalf(), dtype=float)
    n = np.array([4000, 8000])
    ratio = np.exp(power_norms(Af, n, log=True) - np.log(n) - n * np.log(0.5))
    richardson = 2 * ratio[1] - ratio[0]
    # the neglected O(n^-2) term: estimate from three points
    r3 = np.exp(power_norms(Af, [2000], log=True)[0] - np.log(2000) - 2000 * np.log(0.5))
    second = abs((2 * ratio[0] - r3) - richardson)
    claim.check(paper=PAPER, equation="Ch. 16 (||A^n|| ~ C n^(k-1) rho^n)",
                statement="leading coefficient C of ||A^n|| = Theta(n rho^n) for a size-2 Jordan block at "
                          "rho = 1/2 (exact 2 sqrt(37) from P, P^-1) vs Richardson-extrapolated float64 norms",
                predicted=float(g.coefficient), measured=richardson,
                rtol=max(4 * second / richardson, 8000 * 3 * 4 * EPS),
                why="remaining O(n^-2) term estimated from the n=2000/4000 Richardson difference (x4), "
                    "floor: relative rounding n N eps x 4 of the computed powers")


@pytest.mark.claim
def test_normal_matrix_powers_are_rho_n(claim):
    rng = np.random.default_rng(0)
    from linrec.growth.ensembles import haar_unitary
    U = haar_unitary(20, rng=rng)
    lam = 0.97 * np.exp(2j * np.pi * rng.uniform(size=20)) * rng.uniform(0.5, 1.0, size=20)
    A = U @ np.diag(lam) @ U.conj().T
    n = np.array([1, 10, 100, 1000])
    rho = np.max(np.abs(lam))
    got = power_norms(A, n)
    claim.check(paper=PAPER, equation="Ch. 16 (normal A: ||A^n|| = rho^n)",
                statement="a normal matrix has no transient: ||A^n||_2 = rho(A)^n for all n",
                predicted=rho**n, measured=got, rtol=8 * 1000 * 20 * EPS,
                why="relative rounding O(n N eps) of the powers (squaring doubles relative errors), n <= 1000, "
                    "N = 20, factor 8 for the Schur form and SVD")


def _random_nonnormal(rng, N):
    # eigenvalues in the unit disc, strong upper-triangular coupling, random unitary basis
    from linrec.growth.ensembles import haar_orthogonal
    T = np.diag(rng.uniform(-0.9, 0.9, size=N)) + np.triu(rng.normal(size=(N, N)), 1) * rng.uniform(1.0, 2.0)
    Q = haar_orthogonal(N, rng=rng)
    return Q @ T @ Q.T


@pytest.mark.claim
def test_kreiss_matrix_theorem_random_nonnormal(claim):
    rng = np.random.default_rng(1)
    lows, highs, sups = [], [], []
    m = 8
    for _ in range(m):
        A = _random_nonnormal(rng, 6)
        kc = kreiss_constant(A)
        tp = transient_peak(A)
        assert tp.certified
        lows.append(kc.value)
        highs.append(kc.upper)
        sups.append(tp.peak)
    sups, lows, highs = map(np.array, (sups, lows, highs))
    # the ensemble is genuinely non-normal: measured P(K(A) <= 1.5) = 18/400 = 0.045 for this
    # ensemble (100 seeds x 4 matrices), 99.9% Clopper-Pearson upper bound p = 0.08. Requiring
    # at least half of the m = 8 matrices to have K > 1.5 fails with probability
    # P(Binom(8, 0.08) >= 5) <= C(8,5) p^5 = 1.8e-4 < 1e-3 for any seed (one draw could be near-normal)
    n_nonnormal = int(np.sum(lows > 1.5))
    claim.check_bound(paper=PAPER, equation="Theorem 18.1 (precondition: non-normal ensemble)",
                      statement=f"at least half of the {m} random matrices are genuinely non-normal (K(A) > 1.5)",
                      bound=np.array([m / 2]), measured=np.array([float(n_nonnormal)]), relation=">=", slack=0.0,
                      why="measured P(K <= 1.5) = 0.045 (18/400, 99.9% upper bound 0.08); the count of "
                          "near-normal draws exceeds m/2 = 4 with probability <= C(8,5) 0.08^5 = 1.8e-4")
    claim.check_bound(paper=PAPER, equation="Theorem 18.1 (Kreiss matrix theorem, lower side)",
                      statement=f"K(A) <= sup_n ||A^n||_2 on {m} random non-normal 6x6 matrices (rho < 1)",
                      bound=sups, measured=lows, relation="<=", slack=1e-10,
                      why="K from grid + Nelder-Mead (a lower estimate), sup certified by ||A^m|| < 1; "
                          "slack 1e-10 for the optimizer's rounding")
    claim.check_bound(paper=PAPER, equation="Theorem 18.1 (Kreiss matrix theorem, upper side, e N K)",
                      statement="sup_n ||A^n||_2 <= e N K(A) on the same matrices",
                      bound=highs, measured=sups, relation="<=", slack=1e-10,
                      why="exact inequality; slack covers float64 rounding of the norms")


@pytest.mark.claim
def test_kreiss_constant_two_ways(claim):
    A = np.array([[0.6, 2.0, 0.0], [0.0, 0.6, 2.0], [0.0, 0.0, 0.6]])
    kc = kreiss_constant(A)
    eps = np.logspace(-3, 0.5, 60)
    via_ps = max((pseudospectral_radius(A, e) - 1) / e for e in eps)
    claim.check(paper=PAPER, equation="Eq. (16.13): K(A) = sup_eps (rho_eps(A) - 1)/eps",
                statement="Kreiss constant from the resolvent (2-D optimization) equals the pseudospectral "
                          "formula sup_eps (rho_eps - 1)/eps (ray search on 60 levels)",
                predicted=kc.value, measured=via_ps, rtol=0.02,
                why="the eps grid has ratio 1.15 between levels; the sup is smooth and quadratic near its "
                    "maximum, so a grid miss costs < (ln 1.15)^2/8 ~ 0.25% per unit curvature; 2% covers "
                    "curvature up to 8")


@pytest.mark.claim
def test_numerical_radius_power_bound(claim):
    rng = np.random.default_rng(2)
    worst = []
    for _ in range(4):
        A = _random_nonnormal(rng, 8)
        w = numerical_radius(A)
        n = np.arange(0, 201)
        ratio = np.exp(power_norms(A, n, log=True) - n * np.log(w) - np.log(2))
        worst.append(ratio.max())
    claim.check_bound(paper=PAPER, equation="Theorem 17.2 / Eq. (17.4) (power inequality)",
                      statement="||A^n||_2 <= 2 w(A)^n for n = 0..200 on 4 random non-normal 8x8 matrices",
                      bound=np.ones(4), measured=np.array(worst), relation="<=", slack=1e-9,
                      why="exact inequality; slack for O(n N eps) rounding of the powers, n <= 200")


@pytest.mark.claim
def test_pseudospectra_closed_forms(claim):
    J = np.array([[0.0, 1.0], [0.0, 0.0]])
    eps = np.array([1e-4, 1e-2, 0.3])
    got = np.array([pseudospectral_radius(J, e) for e in eps])
    claim.check(paper=PAPER, equation="Ch. 2 (Jordan block, sigma_min(zI - J) = (sqrt(1+4|z|^2) - 1)/2)",
                statement="eps-pseudospectral radius of the 2x2 nilpotent Jordan block is sqrt(eps(1+eps)) "
                          ">> eps: the pseudospectrum is far larger than the eps-disc around the spectrum",
                predicted=np.sqrt(eps * (1 + eps)), measured=got, rtol=1e-9,
                why="Brent root tolerance 1e-14 on r amplified by 1/|d sigma_min/dr| <= 1e3 near r = 0.01; "
                    "plus angle refinement to 1e-10")
    # mpmath oracle for sigma_min of the Schur-form evaluation on a grid (N = 30, non-normal)
    rng = np.random.default_rng(3)
    A = np.triu(rng.normal(size=(30, 30))) * 0.3
    x, y = np.linspace(-1, 1, 3), np.array([0.2])
    s = pseudospectra(A, x, y, method="lanczos")[0]
    ref = []
    with mpmath.workdps(30):
        for xv in x:
            M = mpmath.matrix((complex(xv, 0.2) * np.eye(30) - A).tolist())
            ref.append(float(min(mpmath.svd_c(M, compute_uv=False))))
    claim.check(paper=PAPER, equation="Eq. (2.1) (sigma_eps = {z : sigma_min(zI - A) < eps})",
                statement="sigma_min(zI - A) by inverse Lanczos on the Schur form vs 30-digit mpmath SVD",
                predicted=np.array(ref), measured=s, rtol=1e-8,
                why="Lanczos stops at a relative change 1e-10 of 1/sigma^2 (monotone convergence from "
                    "below); cond of sigma_min is 1, Schur-form backward error N eps ||A||/sigma_min <= 1e-11")
