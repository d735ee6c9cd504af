"""Claims of Orvieto et al. (ICML 2023), "Resurrecting recurrent neural networks for long
sequences" (the LRU), each against an independent computation."""

import math

import mpmath
import numpy as np
import pytest
from scipy import stats

from linrec.growth.ensembles import ring_uniform
from linrec.reparam import complex_reparam

PAPER = "orvieto2023_lru"


@pytest.mark.claim
def test_ring_initialization_uniform_in_area(claim):
    n, r_min, r_max, max_phase = 20000, 0.4, 0.99, math.pi
    lam = ring_uniform(n, r_min, r_max, max_phase=max_phase, rng=2023)
    # uniform in area <=> |λ|² ~ U[r_min², r_max²] and arg λ ~ U[0, max_phase), independent
    u = (np.abs(lam) ** 2 - r_min**2) / (r_max**2 - r_min**2)
    ph = np.angle(lam) % (2 * math.pi) / max_phase
    pred = np.array([0.5, 1 / 3, 0.5, 0.25])  # E u, E u², E φ, E u φ
    meas = np.array([u.mean(), (u**2).mean(), ph.mean(), (u * ph).mean()])
    # standard errors of the four sample means under the uniform law: sd/√n with
    # sd(u) = 1/√12, sd(u²) = √(1/5 - 1/9), sd(uφ) = √(1/9 - 1/16)
    sd = np.array([1 / math.sqrt(12), math.sqrt(1 / 5 - 1 / 9), 1 / math.sqrt(12), math.sqrt(1 / 9 - 1 / 16)])
    se = sd / math.sqrt(n)
    claim.check(
        paper=PAPER, equation="Lemma 3.2 (ring initialization)",
        statement="ring_uniform samples uniform in area: moments of |lam|^2 (rescaled), phase and their product",
        predicted=pred, measured=meas, atol=float(4.5 * se.max()),
        why=f"4.5 Monte-Carlo standard errors (n = {n}; largest SE {se.max():.2e}); four moments, "
            "so the family-wise false-alarm rate is < 3e-5",
    )
    d_mod = stats.kstest(u, "uniform").statistic
    d_ph = stats.kstest(ph, "uniform").statistic
    crit = math.sqrt(-0.5 * math.log(1e-4 / 2)) / math.sqrt(n)  # Kolmogorov tail, alpha = 1e-4
    claim.check_bound(
        paper=PAPER, equation="Lemma 3.2",
        statement="Kolmogorov-Smirnov distance of |lam|^2 and arg(lam) to the uniform law",
        bound=crit, measured=max(d_mod, d_ph), relation="<=",
        why="asymptotic Kolmogorov critical value sqrt(-ln(alpha/2)/2)/sqrt(n) at alpha = 1e-4",
    )


@pytest.mark.claim
def test_exp_parameterization_slows_modulus_near_circle(claim):
    # λ = exp(-e^ν + i e^θ): d|λ|/dν = |λ| log|λ| -> -(1 - |λ|): near the circle a step in ν moves
    # |λ| only by the gap times the step (the direct parameterization moves it by the step)
    m = complex_reparam("lru")
    gaps = np.array([1e-2, 1e-4, 1e-6, 1e-8])
    nus = np.log(-np.log1p(-gaps))
    pred = (1 - gaps) * np.log1p(-gaps)  # r log r
    meas = []
    with mpmath.workdps(50):
        for nu in nus:
            fun = lambda x: abs(mpmath.exp(-mpmath.exp(x) + 1j * mpmath.exp(mpmath.mpf(0.3))))  # noqa: E731
            meas.append(float(mpmath.diff(fun, mpmath.mpf(float(nu)))))
    claim.check(
        paper=PAPER, equation="Sec. 3.3 (exponential parameterization)",
        statement="LRU modulus speed d|lam|/dnu = |lam| log|lam| ~ -(1 - |lam|): it vanishes linearly at the circle",
        predicted=pred, measured=np.array(meas), rtol=1e-12,
        why="mpmath derivative at 50 digits of the map itself; prediction evaluated with log1p (few eps)",
    )
    ratio = -np.real(np.conj(m.f(nus, 0.3)) * m.d_nu(nus, 0.3)) / np.abs(m.f(nus, 0.3)) / gaps
    claim.check(
        paper=PAPER, equation="Sec. 3.3",
        statement="(speed of |lam| in nu) / (1 - |lam|) -> 1 as |lam| -> 1: the gap shrinks geometrically per step",
        predicted=np.ones_like(gaps), measured=ratio, rtol=1.0e-2,
        why="r log(r)/(1 - r) = -(1 - g/2 + O(g^2)) with g = 1 - r <= 1e-2: relative deviation <= g/2 = 5e-3",
    )


@pytest.mark.claim
@pytest.mark.parametrize("modulus", [0.5, 0.9, 0.99])
def test_gamma_normalization_unit_state_variance(claim, modulus):
    m = complex_reparam("lru")
    nu = math.log(-math.log(modulus))
    lam = complex(m.f(nu, math.log(0.7)))
    gamma = float(m.normalization(nu))
    T = int(math.ceil(8.0 / (1 - modulus**2)))
    n = 20000
    rng = np.random.default_rng(7)
    h = np.zeros(n, dtype=complex)
    for _ in range(T):
        h = lam * h + gamma * rng.standard_normal(n)
    p2 = np.abs(h) ** 2
    se = p2.std(ddof=1) / math.sqrt(n)
    predicted = gamma**2 * (1 - modulus ** (2 * T)) / (1 - modulus**2)  # = 1 - |λ|^{2T}, exact at finite T
    claim.check(
        paper=PAPER, equation="Sec. 3.3 (gamma normalization)",
        statement=f"|lam| = {modulus}: with gamma = sqrt(1-|lam|^2) white-noise input gives "
                  "E|h_T|^2 = 1 - |lam|^(2T) ~ 1",
        predicted=predicted, measured=float(p2.mean()), rtol=4 * se / predicted,
        why=f"4 Monte-Carlo standard errors (n = {n} sequences, SE = {se:.2e})",
    )
    assert abs(predicted - 1) < 1e-3  # the finite-T correction |λ|^{2T} <= e^{-8}
