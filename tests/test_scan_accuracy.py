"""The accuracy contract of linrec.scan, against exact and high-precision references.

For every method but "log": |h_t - h_t^exact| <= c * gamma_{m_t} * S_t (linrec.scan.rounding_bound,
derived in the module docstring: m_t = 2(t+1) roundings per term for sequential, lfilter and
chunked, (t+1) + 4 ceil(log2 T) + 2 for tree; c = 1 real, 2 sqrt 2 complex). For "log": the
relative error is at most linrec.scan.log_scan_error_bound.

References: exact rational arithmetic (fractions.Fraction; complex numbers as pairs of
Fractions) for short sequences -- the float inputs are exact binary fractions, so the reference
has no error at all --, and mpmath at 40 significant digits for long ones (its own error,
~T * 1e-40 relative, is 20 orders below float64 rounding). The bounds are rigorous worst cases,
so the tests assert them directly, with no extra tolerance.
"""

from __future__ import annotations

from fractions import Fraction

import mpmath
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import linrec.scan as scan_mod
from linrec.scan import linear_scan, log_scan_error_bound, reverse_linear_scan, rounding_bound

LINEAR_METHODS = ("sequential", "lfilter", "chunked", "tree", "auto")


# ---------------------------------------------------------------------------- references


def _cx(z):
    z = complex(z)
    return (Fraction(z.real), Fraction(z.imag))


def exact_scan_fraction(a, b, h0):
    """Exact h_t for float (or complex) inputs, with Fractions; returns complex128 or float64
    values of the exact result, correctly rounded per component."""
    a = np.broadcast_to(a, b.shape)
    T, N = b.shape
    out = np.empty(b.shape, dtype=np.result_type(a, b, h0, np.float64))
    for n in range(N):
        hr, hi = _cx(np.broadcast_to(h0, (N,))[n])
        for t in range(T):
            ar, ai = _cx(a[t, n])
            br, bi = _cx(b[t, n])
            hr, hi = ar * hr - ai * hi + br, ar * hi + ai * hr + bi
            out[t, n] = complex(float(hr), float(hi)) if out.dtype.kind == "c" else float(hr)
    return out


def exact_scan_mpmath(a, b, h0, dps=40):
    """h_t with mpmath at ``dps`` digits (error ~ T * 10^-dps relative to S_t)."""
    a = np.broadcast_to(a, b.shape)
    T, N = b.shape
    out = np.empty(b.shape, dtype=np.result_type(a, b, h0, np.float64))
    cplx = out.dtype.kind == "c"
    h0 = np.broadcast_to(h0, (N,))
    with mpmath.workdps(dps):
        conv = (lambda z: mpmath.mpc(complex(z))) if cplx else (lambda z: mpmath.mpf(float(z)))
        back = (lambda z: complex(z)) if cplx else (lambda z: float(z))
        for n in range(N):
            h = conv(h0[n])
            for t in range(T):
                h = conv(a[t, n]) * h + conv(b[t, n])
                out[t, n] = back(h)
    return out


def _cases(rng):
    """Adversarial data: near-unit gates, cancellation, negative and growing gates, complex."""
    T = 200
    yield "near_one", np.array([1 - 1e-9, 1 - 1e-3, 0.5]), rng.standard_normal((T, 3)), rng.standard_normal(3)
    alt = np.where(np.arange(T) % 2 == 0, 1.0, -1.0)[:, None] * np.array([1.0, 1e8, 1e-8])
    yield "cancellation", np.array([0.999, -0.999, 0.7]), alt + 1e-3 * rng.standard_normal((T, 3)), np.ones(3)
    yield "growing", np.array([1.01, -1.03, 1.0]), rng.standard_normal((T, 3)), np.zeros(3)
    yield "varying", rng.uniform(-1.1, 1.1, (T, 3)), rng.standard_normal((T, 3)), rng.standard_normal(3)
    lam = (1 - np.array([1e-6, 1e-2, 0.3])) * np.exp(1j * np.array([0.01, 1.0, 3.0]))
    yield "complex", lam, rng.standard_normal((T, 3)) + 1j * rng.standard_normal((T, 3)), np.full(3, 1 - 1j)
    yield ("complex_varying", rng.uniform(0.5, 1.0, (T, 3)) * np.exp(1j * rng.uniform(-3, 3, (T, 3))),
           rng.standard_normal((T, 3)) + 1j * rng.standard_normal((T, 3)), np.zeros(3, complex))


CASES = list(_cases(np.random.default_rng(2024)))


# chunk length and block size of the chunked method, shrunk so that T = 200 exercises:
# several blocks with a tail ("blocks"), and a block of 66 chunks whose chunk-level recurrence
# is itself computed by the chunked method ("recursive")
LAYOUTS = {"blocks": (7, 8 * 7 * 3 * 4 * 2), "recursive": (3, 16 * 3 * 3 * 70)}


METHOD_LAYOUTS = [(m, "blocks") for m in LINEAR_METHODS] + [("chunked", "recursive")]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("method,layout", METHOD_LAYOUTS, ids=[f"{m}-{lay}" for m, lay in METHOD_LAYOUTS])
def test_accuracy_contract_exact_rational(case, method, layout, monkeypatch):
    name, a, b, h0 = case
    if method == "lfilter" and np.ndim(a) == 2:
        pytest.skip("lfilter needs a time-invariant a")
    chunk, block = LAYOUTS[layout]
    monkeypatch.setattr(scan_mod, "_CHUNK", chunk)
    monkeypatch.setattr(scan_mod, "_BLOCK_BYTES", block)
    exact = exact_scan_fraction(a, b, h0)
    h = linear_scan(a, b, h0, method=method)
    bound = rounding_bound(a, b, h0, method=method)
    err = np.abs(h - exact)
    # exact is the exact value rounded to float64 (per component): add that half-ulp
    slack = np.abs(exact) * 2.0**-53 * (np.sqrt(2) if np.iscomplexobj(exact) else 1)
    assert np.all(err <= bound + slack), f"{name}/{method}: worst err/bound {np.max(err / (bound + slack)):.3g}"


@pytest.mark.parametrize("method", LINEAR_METHODS)
def test_accuracy_contract_long_mpmath(method):
    # T = 3000 through the default chunk and block sizes; mpmath at 40 digits as reference
    rng = np.random.default_rng(11)
    T = 3000
    a = np.array([1 - 1e-7, 0.95, -0.9]) * np.exp(1j * np.array([1e-3, 0.5, 2.0]))
    b = rng.standard_normal((T, 3)) + 1j * rng.standard_normal((T, 3))
    h0 = np.array([1.0, -2.0j, 0.5])
    ref = exact_scan_mpmath(a, b, h0)
    h = linear_scan(a, b, h0, method=method)
    bound = rounding_bound(a, b, h0, method=method)
    slack = np.abs(ref) * 2.0**-52  # rounding of the reference to complex128
    assert np.all(np.abs(h - ref) <= bound + slack)
    # the worst case is (t+1) eps; rounding errors of random sign add like sqrt(t): expect far
    # below the bound (a systematic drift would not be)
    assert np.max(np.abs(h - ref) / (bound + slack)) < 0.1


def test_no_phase_drift_long_complex_sequence():
    # |lam| = 1 - 1e-6, T = 1e5, constant input 1, h0 = 0: h_t = (1 - lam^(t+1)) / (1 - lam),
    # evaluated with mpmath at 40 digits at 60 steps. Accumulating the phase in float32 or by a
    # cumulative sum of log(lam) would give phase errors ~ t * eps * |theta| or worse; the
    # rounding bound (t+1) * 2 sqrt2 * u * S_t / |h_t| is ~1e-8 relative here.
    T = 100_000
    lam = (1 - 1e-6) * np.exp(1j * np.array([0.01, 1.0, np.pi - 1e-3]))
    b = np.ones((T, 3), dtype=complex)
    ts = np.unique(np.concatenate([np.geomspace(1, T, 50).astype(int) - 1, [T - 1]]))
    exact = np.empty((ts.size, 3), dtype=complex)
    with mpmath.workdps(40):
        for n in range(3):
            lm = mpmath.mpc(complex(lam[n]))
            for k, t in enumerate(ts):
                exact[k, n] = complex((1 - lm ** (int(t) + 1)) / (1 - lm))
    for method in LINEAR_METHODS:
        h = linear_scan(lam, b, method=method)[ts]
        bound = rounding_bound(lam, b, method=method)[ts]
        rel = np.abs(h - exact) / np.abs(exact)
        assert np.all(np.abs(h - exact) <= bound + 2.0**-52 * np.abs(exact)), method
        phase_err = np.abs(np.angle(h / exact))
        assert np.max(phase_err) <= np.max(bound / np.abs(exact)) + 1e-15, method
        assert np.max(rel) < 1e-9, (method, np.max(rel))


@pytest.mark.parametrize("T", [50, 2000])
def test_log_method_within_its_bound(T):
    # positive gates spanning small to near-one values (log a from -7 to -1e-4), positive inputs
    rng = np.random.default_rng(T)
    a = np.exp(-rng.uniform(1e-4, 7.0, (T, 2)))
    a[:, 1] = 1 - 1e-4
    b = rng.uniform(0.01, 2.0, (T, 2))
    h0 = np.array([0.0, 3.0])
    ref = exact_scan_mpmath(a, b, h0)
    h = linear_scan(a, b, h0, method="log")
    rel = np.abs(h - ref) / ref
    bound = log_scan_error_bound(a, b, h0)
    assert np.all(rel <= bound + 2.0**-53)


def test_log_error_grows_with_sum_of_log_a_not_with_t():
    # Heinsen's method rounds exponents of size |sum log a|: with the same T, gates of 1e-3
    # (|log a| = 6.9 per step) give a larger error than gates of 0.9 (|log a| = 0.105).
    # Ratio of Sigma|log a| is 65; we only assert the ordering and that both are within the bound.
    T = 1000
    b = np.random.default_rng(3).uniform(0.5, 1.5, (T, 1))
    errs = {}
    for a_val in (0.9, 1e-3):
        a = np.full((T, 1), a_val)
        ref = exact_scan_mpmath(a, b, 0.0)
        rel = np.abs(linear_scan(a, b, method="log") - ref) / ref
        assert np.all(rel <= log_scan_error_bound(a, b) + 2.0**-53)
        errs[a_val] = np.sqrt(np.mean(rel**2))
    assert errs[1e-3] > errs[0.9]


def test_float32_contract():
    rng = np.random.default_rng(12)
    T = 500
    a = rng.uniform(0.8, 1.0, (T, 2)).astype(np.float32)
    b = rng.standard_normal((T, 2)).astype(np.float32)
    exact = exact_scan_fraction(a.astype(np.float64), b.astype(np.float64), 0.0)
    for method in ("sequential", "chunked", "tree"):
        h = linear_scan(a, b, method=method, dtype="float32")
        assert h.dtype == np.float32
        bound = rounding_bound(a, b, method=method, dtype="float32")
        assert np.all(np.abs(h.astype(np.float64) - exact) <= bound + 2.0**-53 * np.abs(exact)), method


# ---------------------------------------------------------------------------- equivalence


@st.composite
def scan_problems(draw):
    T = draw(st.integers(1, 150))
    S = tuple(draw(st.lists(st.integers(1, 3), min_size=0, max_size=2)))
    invariant = draw(st.booleans())
    cplx = draw(st.booleans())
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    a_shape = S if invariant else (T,) + S
    a = rng.uniform(-1.05, 1.05, a_shape)
    b = rng.standard_normal((T,) + S)
    h0 = rng.standard_normal(S)
    if cplx:
        a = a * np.exp(1j * rng.uniform(-np.pi, np.pi, a_shape))
        b = b + 1j * rng.standard_normal(b.shape)
    return a, b, h0


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scan_problems())
def test_methods_equivalent_on_random_shapes(problem):
    a, b, h0 = problem
    ref = linear_scan(a, b, h0, method="sequential")
    bnd_ref = rounding_bound(a, b, h0, method="sequential")
    invariant = np.ndim(a) < np.ndim(b)
    for method in LINEAR_METHODS[1:]:
        if method == "lfilter" and not invariant:
            continue
        h = linear_scan(a, b, h0, method=method)
        assert h.shape == b.shape
        # both are within their bounds of the exact value
        assert np.all(np.abs(h - ref) <= rounding_bound(a, b, h0, method=method) + bnd_ref), method
        g = reverse_linear_scan(a, b, h0, method=method)
        g_ref = reverse_linear_scan(a, b, h0, method="sequential")
        bnd_g = rounding_bound(np.flip(a, 0) if not invariant else a, np.flip(b, 0), h0, method=method)[::-1]
        assert np.all(np.abs(g - g_ref) <= 2 * bnd_g + 1e-300), method
