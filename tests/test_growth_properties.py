"""Property-based tests (hypothesis) of identities that must hold for every matrix."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from linrec.growth import numerical_radius, power_norms, spectral_radius
from linrec.jacobians import lyapunov_spectrum

EPS = np.finfo(float).eps
seeds = st.integers(min_value=0, max_value=2**32 - 1)
sizes = st.integers(min_value=1, max_value=6)


@settings(max_examples=25, deadline=None, derandomize=True)
@given(seed=seeds, N=sizes, scale=st.floats(min_value=0.1, max_value=3.0))
def test_schur_binary_powering_equals_repeated_multiplication(seed, N, scale):
    A = np.random.default_rng(seed).standard_normal((N, N)) * scale / np.sqrt(N)
    a = power_norms(A, 64, log=True)
    b = power_norms(A, 64, log=True, method="direct")
    finite = np.isfinite(b)
    assert np.array_equal(finite, np.isfinite(a))
    # both carry relative error O(n N eps) times the non-normal amplification; at n <= 64 and
    # entries O(1) this stays far below 1e-9 in the log
    assert np.all(np.abs(a[finite] - b[finite]) <= 1e-9 * (1 + np.abs(b[finite])))


@settings(max_examples=25, deadline=None, derandomize=True)
@given(seed=seeds, N=sizes)
def test_numerical_radius_sandwich(seed, N):
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((N, N)) + 1j * rng.standard_normal((N, N))
    w = numerical_radius(A)
    nrm = np.linalg.norm(A, 2)
    # rho <= w <= ||A|| <= 2 w, and w >= |x^H A x| for random unit x
    assert spectral_radius(A) <= w * (1 + 1e-10)
    assert w <= nrm * (1 + 1e-12) and nrm <= 2 * w * (1 + 1e-10)
    X = rng.standard_normal((N, 200)) + 1j * rng.standard_normal((N, 200))
    X /= np.linalg.norm(X, axis=0)
    assert np.max(np.abs(np.einsum("ik,ij,jk->k", X.conj(), A, X))) <= w * (1 + 1e-10)


@settings(max_examples=20, deadline=None, derandomize=True)
@given(seed=seeds, N=st.integers(min_value=1, max_value=5), T=st.integers(min_value=1, max_value=40))
def test_lyapunov_sum_is_mean_log_det(seed, N, T):
    # prod_i R_t[i, i] = |det J_t| for the full frame, so sum_i lambda_i = mean_t log|det J_t| exactly
    J = np.random.default_rng(seed).standard_normal((T, N, N))
    ls = lyapunov_spectrum(J, rng=seed)
    expected = np.mean(np.linalg.slogdet(J)[1])
    assert abs(ls.exponents.sum() - expected) <= 1e-12 * (1 + abs(expected)) * N
