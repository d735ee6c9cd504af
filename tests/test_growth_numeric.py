"""Tests of linrec.growth.numeric against exact and independent computations."""

import warnings

import mpmath
import numpy as np
import pytest

from linrec import LinrecWarning
from linrec.growth.ensembles import haar_orthogonal
from linrec.growth.numeric import (
    dense_to_diagonal,
    diagonal_to_dense,
    kreiss_constant,
    numerical_radius,
    power_norms,
    pseudospectra,
    pseudospectral_radius,
    spectral_radius,
    transient_peak,
)

EPS = np.finfo(float).eps


def _mp_norm2_power(A, n, dps=60):
    with mpmath.workdps(dps):
        M = mpmath.matrix(A.tolist()) ** n
        return float(max(mpmath.svd_r(M, compute_uv=False)))


def test_power_norms_vs_mpmath_nonnormal():
    A = np.array([[0.5, 2.0, 0.0], [0.0, 0.6, 3.0], [0.0, 0.0, -0.7]])
    ns = np.array([0, 1, 2, 3, 7, 20, 50, 200])
    exact = np.array([_mp_norm2_power(A, int(n)) for n in ns])
    for method in ("schur", "eig", "direct"):
        got = power_norms(A, ns, method=method)
        # relative error O(N eps * products * (max intermediate norm / ||A^n||)); the
        # intermediate norms here are < 1e2 times the result: 1e-11 leaves a margin of ~100
        assert np.allclose(got, exact, rtol=1e-11, atol=0), method
    # log form for exponents where the value underflows
    lg = power_norms(A, [20000], log=True)[0]
    assert np.isclose(lg, 20000 * np.log(0.7) + np.log(power_norms(A / 0.7, [20000])[0]), rtol=1e-10)


def test_power_norms_normal_and_orthogonal():
    Q = haar_orthogonal(30, rng=0)
    ns = np.array([1, 10, 1000, 10**6])
    p = power_norms(Q, ns)
    # orthogonal: ||Q^n|| = 1 up to rounding. The rounded Q has singular values
    # 1 + O(N eps), so even the exact ||Q^n|| is 1 + O(n N eps); squaring doubles relative
    # errors, so the computation adds O(n N eps) as well: tolerance 4 n N eps.
    assert np.all(np.abs(p - 1) <= 4 * ns * 30 * EPS)
    D = np.diag([0.9, -0.5, 0.3j])
    assert np.allclose(power_norms(D, 5), 0.9 ** np.arange(6), rtol=1e-14)


def test_power_norms_consistency_large_random():
    rng = np.random.default_rng(1)
    A = rng.standard_normal((40, 40)) / np.sqrt(40)
    ex = np.arange(0, 301, 17)
    a = power_norms(A, ex, log=True)
    b = power_norms(A, 300, log=True, method="direct")[ex]
    assert np.max(np.abs(a - b)) < 1e-10


def test_eig_method_warns_for_defective():
    J = np.array([[0.5, 1.0], [0.0, 0.5]])
    with pytest.warns(LinrecWarning, match="cond"):
        power_norms(J, 3, method="eig")


def test_transient_peak_jordan_closed_form():
    lam, alpha = 0.95, 1.0
    tp = transient_peak([[lam, alpha], [0.0, lam]])
    n = np.arange(0, 2000)
    a, b = lam**n, n * alpha * lam ** np.maximum(n - 1, 0)
    closed = (np.abs(b) + np.sqrt(b * b + 4 * a * a)) / 2   # sigma_max of [[a, b], [0, a]]
    assert tp.certified and tp.n_peak == int(np.argmax(closed))
    assert np.isclose(tp.peak, closed.max(), rtol=1e-13)
    assert np.allclose(tp.norms, closed[: tp.norms.size], rtol=1e-12)


def test_transient_peak_uncertified_for_unstable():
    tp = transient_peak(np.diag([1.01, 0.5]), n_max=50)
    assert not tp.certified and tp.n_peak == 50


@pytest.mark.parametrize("N", [2, 3, 5, 8])
def test_numerical_radius_jordan_nilpotent(N):
    # w(J_N) = cos(pi/(N+1)) for the nilpotent Jordan block (Haagerup & de la Harpe 1992)
    J = np.eye(N, k=1)
    assert np.isclose(numerical_radius(J), np.cos(np.pi / (N + 1)), rtol=1e-12, atol=0)


def test_numerical_radius_bounds_and_brute_force():
    rng = np.random.default_rng(2)
    for _ in range(3):
        A = rng.standard_normal((6, 6)) + 1j * rng.standard_normal((6, 6))
        w = numerical_radius(A)
        # brute force over a fine theta grid (independent, no optimizer): a lower bound
        th = np.linspace(0, 2 * np.pi, 20001)
        Hs = np.exp(1j * th)[:, None, None] * A[None]
        lam = np.linalg.eigvalsh((Hs + np.conj(np.swapaxes(Hs, 1, 2))) / 2)[:, -1]
        assert lam.max() <= w * (1 + 1e-12)
        # grid spacing 3e-4 with f Lipschitz (||A||) and smooth: quadratic error ~ 1e-7 ||A||
        assert w - lam.max() < 1e-6 * np.linalg.norm(A, 2)
        assert spectral_radius(A) <= w + 1e-12 and np.linalg.norm(A, 2) <= 2 * w + 1e-12
    # 2x2 [[a, b], [0, a]]: w = |a| + |b|/2
    assert np.isclose(numerical_radius([[0.3, 2.0], [0.0, 0.3]]), 1.3, rtol=1e-12)


def test_pseudospectra_methods_agree_and_normal_case():
    rng = np.random.default_rng(3)
    A = rng.standard_normal((40, 40)) / np.sqrt(40) + np.diag(np.ones(39), 1)
    x = np.linspace(-2, 2, 7)
    y = np.linspace(-1.5, 1.5, 5)
    s1 = pseudospectra(A, x, y, method="lanczos")
    s2 = pseudospectra(A, x, y, method="svd")
    assert s1.shape == (5, 7)
    # Lanczos stops at a 1e-10 relative change of 1/sigma^2
    assert np.allclose(s1, s2, rtol=1e-8, atol=0)
    D = np.diag([0.5, -0.5, 0.25j])
    s = pseudospectra(D, [0.0, 1.0], [0.0, 0.5])
    Z = np.array([0.0, 1.0])[None, :] + 1j * np.array([0.0, 0.5])[:, None]
    dist = np.min(np.abs(Z[..., None] - np.diag(D)[None, None, :]), axis=-1)
    assert np.allclose(s, dist, rtol=1e-13)


def test_pseudospectral_radius_closed_forms():
    # nilpotent 2x2 Jordan: sigma_min(zI - J) = (sqrt(1 + 4|z|^2) - 1)/2 -> rho_eps = sqrt(eps(1+eps))
    J = np.array([[0.0, 1.0], [0.0, 0.0]])
    for eps in (1e-3, 0.1, 0.5):
        assert np.isclose(pseudospectral_radius(J, eps), np.sqrt(eps * (1 + eps)), rtol=1e-9)
    assert np.isclose(pseudospectral_radius(np.diag([0.5, -0.9j]), 0.05), 0.95, rtol=1e-12)


def test_kreiss_constant_normal_jordan_and_pseudospectral_formula():
    assert np.isclose(kreiss_constant(np.diag([0.5, -0.3, 0.2j])).value, 1.0, rtol=1e-9)
    A = np.array([[0.8, 3.0], [0.0, 0.8]])
    kc = kreiss_constant(A)
    sup = transient_peak(A).peak
    assert kc.value <= sup <= kc.upper
    # independent route: K(A) = sup_eps (rho_eps(A) - 1)/eps (Trefethen & Embree Eq. (16.13))
    eps = np.logspace(-3, 0, 31)
    via_ps = max((pseudospectral_radius(A, e) - 1) / e for e in eps)
    # the eps grid is coarse, so via_ps is a lower bound within ~1%
    assert via_ps <= kc.value * (1 + 1e-9) and via_ps > 0.98 * kc.value
    assert kreiss_constant(np.diag([1.1, 0.5])).value == np.inf


def _simulate(A, B, C, x):
    h = np.zeros(A.shape[0], dtype=np.result_type(A, B))
    ys = []
    for xt in x:
        h = A @ h + B @ xt
        ys.append(C @ h)
    return np.array(ys)


def test_dense_diagonal_equivalence():
    rng = np.random.default_rng(4)
    N, d_in, d_out, T = 12, 3, 2, 60
    A = rng.standard_normal((N, N)) / np.sqrt(N) * 0.95
    B = rng.standard_normal((N, d_in))
    C = rng.standard_normal((d_out, N))
    x = rng.standard_normal((T, d_in))
    ds = dense_to_diagonal(A, B, C)
    y_dense = _simulate(A, B, C, x)
    y_diag = np.real(_simulate(np.diag(ds.lam), ds.B, ds.C, x))
    err = np.max(np.abs(y_dense - y_diag)) / np.max(np.abs(y_dense))
    # bound c N cond(P) eps, times T for the accumulation over the sequence
    assert err <= ds.error_bound * T
    Ad, Bd, Cd = diagonal_to_dense(ds.lam, ds.B, ds.C)
    assert Ad.shape == (N, N)
    y_back = _simulate(Ad, Bd, Cd, x)
    assert np.max(np.abs(y_back - y_dense)) / np.max(np.abs(y_dense)) <= ds.error_bound * T


def test_dense_diagonal_error_scales_with_cond():
    # near-defective A: eigenvalue pairs 0.9 +- delta coupled by 1 => cond(P) ~ 1/delta
    rng = np.random.default_rng(5)
    T = 40
    x = rng.standard_normal((T, 1))
    for delta in (1e-2, 1e-4, 1e-6):
        A = np.array([[0.9 + delta, 1.0], [0.0, 0.9 - delta]])
        B, C = np.array([[0.3], [1.0]]), np.array([[1.0, -0.5]])
        ds = dense_to_diagonal(A, B, C)
        assert 0.1 / delta < ds.cond < 10 / delta
        y_dense = _simulate(A, B, C, x)
        y_diag = np.real(_simulate(np.diag(ds.lam), ds.B, ds.C, x))
        err = np.max(np.abs(y_dense - y_diag)) / np.max(np.abs(y_dense))
        assert err <= ds.error_bound * T


def test_power_norms_zero_and_nilpotent():
    assert power_norms(np.zeros((3, 3)), [0], log=True)[0] == 0.0
    # exp(log) round trip: a few ulps
    assert np.allclose(power_norms([[0.0, 2.0], [0.0, 0.0]], 3), [1.0, 2.0, 0.0, 0.0], rtol=8 * EPS, atol=0)


def test_dense_diagonal_ill_conditioned():
    J = np.array([[0.5, 1.0], [0.0, 0.5]])
    with pytest.warns(LinrecWarning, match="cond"):
        dense_to_diagonal(J, np.eye(2), np.eye(2))
    with pytest.raises(ValueError, match="cond"):
        dense_to_diagonal(J, np.eye(2), np.eye(2), on_ill_conditioned="raise")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        dense_to_diagonal(np.diag([0.5, 0.2]), np.eye(2), np.eye(2))


@pytest.mark.parametrize(
    "call, exc, match",
    [
        (lambda: power_norms(np.ones((2, 3)), 3), ValueError, "square"),
        (lambda: power_norms([[np.nan]], 3), ValueError, "finite"),
        (lambda: power_norms(np.zeros((0, 0)), 3), ValueError, "at least"),
        (lambda: power_norms([["a"]], 3), TypeError, "numeric"),
        (lambda: power_norms(np.eye(2), -1), ValueError, "n must be"),
        (lambda: power_norms(np.eye(2), 2.5), TypeError, "n must be"),
        (lambda: power_norms(np.eye(2), [1.0, 2.0]), TypeError, "integers"),
        (lambda: power_norms(np.eye(2), 3, method="magic"), ValueError, "method"),
        (lambda: transient_peak(np.eye(2), n_max=0), ValueError, "n_max"),
        (lambda: numerical_radius(np.eye(2), xtol=-1), ValueError, "xtol"),
        (lambda: pseudospectra(np.eye(2), [[0.0]], [0.0]), ValueError, "x must have 1"),
        (lambda: pseudospectral_radius(np.eye(2), 0.0), ValueError, "eps"),
        (lambda: kreiss_constant(np.eye(3)[:2]), ValueError, "square"),
        (lambda: dense_to_diagonal(np.eye(2), np.eye(3), np.eye(2)), ValueError, "B must"),
        (lambda: dense_to_diagonal(np.eye(2) * 1j, np.eye(2), np.eye(2)), TypeError, "real"),
        (lambda: spectral_radius([1.0, 2.0]), ValueError, "2 dimension"),
    ],
)
def test_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
