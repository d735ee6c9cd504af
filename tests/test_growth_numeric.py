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


def _smin_dense(A, z):
    z = np.atleast_1d(z)
    N = A.shape[0]
    out = np.empty(z.size)
    step = max(1, 100000 // (N * N))
    for c in range(0, z.size, step):
        zc = z[c:c + step]
        out[c:c + zc.size] = np.linalg.svd(zc[:, None, None] * np.eye(N) - A, compute_uv=False)[:, -1]
    return out


def _brute_force_rho_eps(A, eps, rel=1e-3, n_r=32, n_t=128, max_level=30):
    """Rigorous bracket L <= rho_eps(A) <= U from a refined polar grid of dense SVDs.

    sigma_min(zI - A) is 1-Lipschitz in z, and a polar cell [r0, r0+dr] x [t0, t0+dt] lies
    within d = dr/2 + (r0 + dr) dt/2 of its centre. A cell can contain a point of the
    eps-pseudospectrum only if sigma_min(centre) <= eps + d (+ SVD rounding 8 N u ||A||); those
    cells reaching beyond the best inside centre L are split 2x2 until U - L <= rel U, with U
    the largest outer radius of a surviving cell. L = the largest |centre| with sigma_min <= eps.
    """
    N = A.shape[0]
    R = np.linalg.norm(A, 2) + eps
    margin = 8 * N * EPS * R
    r0 = np.repeat(np.linspace(0, R, n_r + 1)[:-1], n_t)
    t0 = np.tile(np.linspace(0, 2 * np.pi, n_t + 1)[:-1], n_r)
    dr, dt = np.full(r0.size, R / n_r), np.full(r0.size, 2 * np.pi / n_t)
    L = 0.0
    for _ in range(max_level):
        rm, tm = r0 + dr / 2, t0 + dt / 2
        s = _smin_dense(A, rm * np.exp(1j * tm))
        if np.any(s <= eps):
            L = max(L, float(rm[s <= eps].max()))
        live = (s <= eps + dr / 2 + (r0 + dr) * dt / 2 + margin) & (r0 + dr > L)
        r0, dr, t0, dt = r0[live], dr[live], t0[live], dt[live]
        U = float(np.max(r0 + dr)) if r0.size else L
        if U - L <= rel * U:
            return L, U
        r0, t0 = np.concatenate([r0, r0 + dr / 2, r0, r0 + dr / 2]), np.concatenate([t0, t0, t0 + dt / 2, t0 + dt / 2])
        dr, dt = np.tile(dr / 2, 4), np.tile(dt / 2, 4)
    raise AssertionError("bracket did not converge")


@pytest.mark.parametrize("lam", [0.9, 0.7 * np.exp(1.1j), -0.5])
@pytest.mark.parametrize("c", [10.0, 1.0])
@pytest.mark.parametrize("eps", [1e-8, 1e-6, 1e-4, 1e-2, 0.5])
def test_pseudospectral_radius_exact_2x2_disc(lam, c, eps):
    # A = [[l, c], [0, l]], w = z - l: sigma_min([[w, -c], [0, w]]) = (sqrt(c^2 + 4|w|^2) - c)/2
    # (sigma1 sigma2 = |w|^2, sigma1^2 + sigma2^2 = 2|w|^2 + c^2), increasing in |w|; it equals
    # eps iff |w|^2 = eps (c + eps): the pseudospectrum is that disc, rho_eps = |l| + sqrt(eps(c+eps))
    A = np.array([[lam, c], [0.0, lam]])
    s = np.sqrt(eps * (c + eps))
    exact = abs(lam) + s
    w = s * np.exp(0.3j)
    assert np.isclose(_smin_dense(A, lam + w)[0], eps, rtol=1e-6)
    # root conditioning: d sigma_min / d|w| = 2|w| / (c + 2 eps) at the boundary; sigma_min is
    # computed to O(u ||A||), so |r - exact| <~ u ||A|| / (d sigma/d|w|); factor 3 margin
    cond = EPS * (abs(lam) + c) / (2 * s / (c + 2 * eps)) / exact
    got = pseudospectral_radius(A, eps)
    # floor 16 u: rounding of the eigenvalue r itself (||H|| / r <= 16 here)
    assert abs(got - exact) <= (3 * cond + 16 * EPS) * exact, (got, exact)
    assert 3 * cond + 16 * EPS < 2.5e-10     # i.e. ~1e-10 relative everywhere in this table


def test_pseudospectral_radius_normal_is_rho_plus_eps():
    rng = np.random.default_rng(10)
    U, _ = np.linalg.qr(rng.normal(size=(7, 7)) + 1j * rng.normal(size=(7, 7)))
    lam = rng.uniform(0.1, 1.0, 7) * np.exp(2j * np.pi * rng.uniform(size=7))
    A = U @ np.diag(lam) @ U.conj().T
    for eps in (1e-8, 1e-3, 0.3):
        # normal: sigma_min(zI - A) = dist(z, spectrum), the union of eps-discs; rho_eps = rho + eps
        assert np.isclose(pseudospectral_radius(A, eps), np.abs(lam).max() + eps, rtol=1e-13, atol=0)


def _grcar(N, k=3):
    return -np.eye(N, k=-1) + sum(np.eye(N, k=j) for j in range(k + 1))


@pytest.mark.parametrize("eps", [1e-2, 1e-1])
def test_pseudospectral_radius_grcar_vs_brute_force_grid(eps):
    A = _grcar(20)
    L, U = _brute_force_rho_eps(A, eps)      # rigorous bracket, U - L <= 1e-3 U
    got = pseudospectral_radius(A, eps)
    assert L <= got <= U, (L, got, U)


def test_pseudospectral_radius_random_nonnormal_vs_brute_force_grid():
    rng = np.random.default_rng(11)
    for _ in range(6):
        N = 6
        T = np.diag(rng.uniform(-0.9, 0.9, N) * np.exp(1j * rng.uniform(0, np.pi, N)))
        T = T + np.triu(rng.normal(size=(N, N)), 1)
        Q, _ = np.linalg.qr(rng.normal(size=(N, N)))
        A = Q @ T @ Q.conj().T
        eps = float(10 ** rng.uniform(-2, -0.5))
        L, U = _brute_force_rho_eps(A, eps)
        got = pseudospectral_radius(A, eps)
        assert L <= got <= U, (L, got, U, eps)


def test_pseudospectral_radius_n_angles_deprecated():
    with pytest.warns(DeprecationWarning, match="n_angles"):
        r = pseudospectral_radius(np.diag([0.5, -0.2]), 0.1, n_angles=90)
    assert np.isclose(r, 0.6, rtol=1e-13)


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
        (lambda: pseudospectral_radius(np.eye(2), "0.1"), TypeError, "eps"),
        (lambda: pseudospectral_radius(np.eye(2), 0.1, n_angles=0), ValueError, "n_angles"),
        (lambda: kreiss_constant(np.eye(3)[:2]), ValueError, "square"),
        (lambda: dense_to_diagonal(np.eye(2), np.eye(3), np.eye(2)), ValueError, "B must"),
        (lambda: dense_to_diagonal(np.eye(2) * 1j, np.eye(2), np.eye(2)), TypeError, "real"),
        (lambda: spectral_radius([1.0, 2.0]), ValueError, "2 dimension"),
    ],
)
def test_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
