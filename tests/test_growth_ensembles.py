"""Tests of linrec.growth.ensembles: moments and invariances of the random ensembles."""

import numpy as np
import pytest
from scipy import stats

from linrec.growth.ensembles import ginibre, glorot_dense, haar_orthogonal, haar_unitary, ring_uniform


def test_glorot_variance_both_distributions():
    # Var = 2/(n+m). With K = n*m samples the sample variance has SE ~ var*sqrt(2/K)
    # (normal) and smaller for uniform (kurtosis 1.8); allow 5 SE.
    n, m = 300, 500
    for dist in ("normal", "uniform"):
        W = glorot_dense(n, m, distribution=dist, rng=1)
        var = 2.0 / (n + m)
        se = var * np.sqrt(2.0 / W.size)
        assert W.shape == (n, m)
        assert abs(W.var() - var) < 5 * se
    a = np.sqrt(6.0 / (n + m))
    assert np.max(np.abs(glorot_dense(n, m, distribution="uniform", rng=2))) <= a


def test_haar_orthogonal_is_orthogonal_and_haar():
    N, M = 4, 4000
    rng = np.random.default_rng(3)
    tr = np.empty(M)
    for k in range(M):
        Q = haar_orthogonal(N, rng=rng)
        tr[k] = np.trace(Q)
    assert np.allclose(Q.T @ Q, np.eye(N), atol=1e-14)
    # Diaconis-Shahshahani: for Haar O(N), N >= 4: E tr Q = 0, E (tr Q)^2 = 1, E (tr Q)^4 = 3.
    # SE of the mean of tr is 1/sqrt(M); of (tr)^2 is sqrt(3-1)/sqrt(M). 5 SE.
    assert abs(tr.mean()) < 5 / np.sqrt(M)
    assert abs((tr**2).mean() - 1.0) < 5 * np.sqrt(2.0 / M)
    # Without the sign fix numpy's QR is not Haar: E tr Q would be biased well above 5 SE.
    raw = np.array([np.trace(np.linalg.qr(rng.standard_normal((N, N)))[0]) for _ in range(M)])
    assert abs(raw.mean()) > 5 / np.sqrt(M) or abs((raw**2).mean() - 1) > 5 * np.sqrt(2.0 / M)


def test_haar_unitary_moments():
    N, M = 3, 4000
    rng = np.random.default_rng(4)
    tr = np.array([np.trace(haar_unitary(N, rng=rng)) for _ in range(M)])
    U = haar_unitary(6, rng=rng)
    assert np.allclose(U.conj().T @ U, np.eye(6), atol=1e-14)
    # Haar U(N): E tr U = 0, E |tr U|^2 = 1, E |tr U|^4 = 2 (N >= 2); 5 SE.
    assert abs(tr.mean()) < 5 / np.sqrt(M)
    assert abs((np.abs(tr) ** 2).mean() - 1.0) < 5 * np.sqrt(1.0 / M)


def test_ring_uniform_area_law():
    r_min, r_max, n = 0.4, 0.9, 20000
    lam = ring_uniform(n, r_min, r_max, max_phase=np.pi, rng=5)
    mod2 = np.abs(lam) ** 2
    assert lam.dtype == np.complex128 and lam.shape == (n,)
    assert np.all((np.abs(lam) >= r_min) & (np.abs(lam) < r_max))
    ph = np.angle(lam)
    assert np.all((ph >= 0) & (ph < np.pi))
    # |lam|^2 ~ U[r_min^2, r_max^2] exactly; a KS test at a fixed seed (p-value not tiny).
    assert stats.kstest((mod2 - r_min**2) / (r_max**2 - r_min**2), "uniform").pvalue > 1e-3
    # uniform-in-radius would fail the same test
    bad = np.random.default_rng(6).uniform(r_min, r_max, n) ** 2
    assert stats.kstest((bad - r_min**2) / (r_max**2 - r_min**2), "uniform").pvalue < 1e-6


def test_ring_degenerate_and_ginibre():
    lam = ring_uniform(5, 0.5, 0.5, rng=0)
    assert np.allclose(np.abs(lam), 0.5)
    G = ginibre(200, sigma=0.7, complex_entries=True, rng=0)
    assert G.dtype == np.complex128
    # E|G_ij|^2 = sigma^2/N; SE of the mean of |G|^2 over N^2 samples ~ sigma^2/N / N
    assert abs(np.mean(np.abs(G) ** 2) * 200 - 0.49) < 5 * 0.49 / 200


@pytest.mark.parametrize(
    "call, exc, match",
    [
        (lambda: glorot_dense(0), ValueError, "n must be >= 1"),
        (lambda: glorot_dense(3.0), TypeError, "n must be an integer"),
        (lambda: glorot_dense(3, distribution="cauchy"), ValueError, "distribution"),
        (lambda: haar_orthogonal(-1), ValueError, "n must be"),
        (lambda: ring_uniform(3, 0.9, 0.5), ValueError, "r_max must be >= r_min"),
        (lambda: ring_uniform(3, -0.1, 0.5), ValueError, "r_min must be >= 0"),
        (lambda: ring_uniform(3, 0.1, np.nan), ValueError, "r_max must be finite"),
        (lambda: ring_uniform(3, 0.1, 0.5, max_phase=7.0), ValueError, "max_phase"),
        (lambda: ring_uniform(3, "a", 0.5), TypeError, "r_min"),
        (lambda: ginibre(3, sigma=-1.0), ValueError, "sigma"),
        (lambda: haar_unitary(2, rng="x"), TypeError, "rng"),
    ],
)
def test_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
