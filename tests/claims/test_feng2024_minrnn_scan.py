"""Claims of Feng et al. (2024), "Were RNNs all we needed?", about the scan minGRU trains with.

minGRU (Sec. 3) runs h_t = (1 - z_t) * h_{t-1} + z_t * h~_t with z_t = sigmoid(k_t) and, in
the log-space version (Appendix B.3), h~_t = g(x_t) > 0 with g(x) = x + 1/2 (x >= 0),
sigmoid(x) (x < 0), so that a_t = 1 - z_t and b_t = z_t h~_t are positive and the recurrence can
be computed by Heinsen's log-space parallel scan. The paper's premise is that this parallel
computation *is* the recurrence. We check it against an independent high-precision evaluation
of the recurrence (mpmath, 40 digits), within error bounds derived in linrec.scan.
"""

from __future__ import annotations

import mpmath
import numpy as np
import pytest

from linrec.scan import linear_scan, log_scan_error_bound, rounding_bound

PAPER = "feng2024_minrnn"


def _mingru_coefficients(T, D, rng):
    """a_t = 1 - z_t, b_t = z_t g(x_t) with z_t = sigmoid(k_t), k, x standard normal (scale 2)."""
    k = 2.0 * rng.standard_normal((T, D))
    x = 2.0 * rng.standard_normal((T, D))
    a = 1.0 / (1.0 + np.exp(k))  # 1 - sigmoid(k)
    z = 1.0 / (1.0 + np.exp(-k))
    g = np.where(x >= 0, x + 0.5, 1.0 / (1.0 + np.exp(-np.minimum(x, 0))))
    return a, z * g


def _mpmath_recurrence(a, b, dps=40):
    T, D = b.shape
    out = np.empty((T, D))
    with mpmath.workdps(dps):
        for n in range(D):
            h = mpmath.mpf(0)
            for t in range(T):
                h = mpmath.mpf(float(a[t, n])) * h + mpmath.mpf(float(b[t, n]))
                out[t, n] = float(h)
    return out


@pytest.mark.claim
def test_log_space_parallel_scan_is_the_mingru_recurrence(claim):
    rng = np.random.default_rng(20241001)
    a, b = _mingru_coefficients(2048, 4, rng)
    exact = _mpmath_recurrence(a, b)
    h = linear_scan(a, b, method="log")
    rel = np.abs(h - exact) / exact
    bound = log_scan_error_bound(a, b)
    # the reference is the 40-digit value rounded to float64: one half-ulp (2^-53) of slack
    claim.check_bound(
        paper=PAPER, equation="Sec. 3 (minGRU), App. B.3 (log-space scan)",
        statement="Heinsen's log-space parallel scan reproduces the minGRU recurrence "
                  "h_t = (1-z_t) h_{t-1} + z_t g(x_t) (T=2048, float64): max relative error <= derived bound",
        bound=bound, measured=rel - 2.0**-53, relation="<=",
        why="log_scan_error_bound: first-order rounding of the log-space exponents, "
            "u * sum over chunks of ((4L+6) R + 4 V + L(log(L+1)+4)); reference rounded to float64 (2^-53)",
    )


@pytest.mark.claim
def test_linear_space_parallel_scan_is_the_recurrence(claim):
    # the O(T)-work two-level (chunked) parallel scan and the odd/even tree: every step within
    # the rigorous rounding bound c gamma_{m_t} S_t of the exact recurrence
    rng = np.random.default_rng(7)
    a, b = _mingru_coefficients(2048, 4, rng)
    exact = _mpmath_recurrence(a, b)
    for method in ("chunked", "tree"):
        err = np.abs(linear_scan(a, b, method=method) - exact) - 2.0**-53 * exact
        claim.check_bound(
            paper=PAPER, equation="Sec. 3 (minGRU), parallel scan",
            statement=f"the {method} parallel scan equals the minGRU recurrence within "
                      "c*gamma_m(t)*S_t (T=2048, float64)",
            bound=rounding_bound(a, b, method=method), measured=err, relation="<=",
            why="rigorous worst-case rounding bound (Higham Lemma 3.1): m_t = 2(t+1) roundings per term "
                "(chunked), (t+1)+4ceil(log2 T)+2 (tree); reference rounded to float64 (2^-53)",
        )


@pytest.mark.claim
def test_log_space_scan_in_float32(claim):
    # the paper trains in low precision; in float32 the log-space scan still reproduces the
    # recurrence of the float32-rounded coefficients within the same bound with u = 2^-24
    rng = np.random.default_rng(3)
    a, b = _mingru_coefficients(1024, 4, rng)
    a32, b32 = a.astype(np.float32), b.astype(np.float32)
    exact = _mpmath_recurrence(a32.astype(np.float64), b32.astype(np.float64))
    h = linear_scan(a32, b32, method="log", dtype="float32").astype(np.float64)
    rel = np.abs(h - exact) / exact
    claim.check_bound(
        paper=PAPER, equation="App. B.3 (log-space scan)",
        statement="in float32 the log-space scan reproduces the minGRU recurrence (T=1024) within "
                  "the derived bound with u = 2^-24",
        bound=log_scan_error_bound(a32, b32, dtype="float32"), measured=rel - 2.0**-53, relation="<=",
        why="log_scan_error_bound with float32 unit roundoff; reference = 40-digit recurrence on the "
            "float32 inputs, rounded to float64 (2^-53)",
    )
