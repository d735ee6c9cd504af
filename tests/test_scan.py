"""Tests of linrec.scan: API, shapes, streaming, bad input, adjoint.

The accuracy contract (every method against an exact reference) is in
tests/test_scan_accuracy.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from linrec.scan import (
    METHODS,
    linear_scan,
    linear_scan_vjp,
    reverse_linear_scan,
    rounding_bound,
    select_method,
)
from linrec.testing import check_grad

LINEAR_METHODS = ("sequential", "lfilter", "chunked", "tree", "auto")


def _loop(a, b, h0):
    """The recurrence with a Python loop over scalars (independent of the kernels)."""
    a = np.broadcast_to(a, b.shape)
    h = np.empty(b.shape, dtype=np.result_type(a, b, h0, np.float64))
    prev = h0
    for t in range(b.shape[0]):
        prev = a[t] * prev + b[t]
        h[t] = prev
    return h


def _data(rng, T, shape, *, invariant, complex_):
    b = rng.standard_normal((T,) + shape)
    a_shape = shape if invariant else (T,) + shape
    a = rng.uniform(0.5, 1.0, a_shape)
    h0 = rng.standard_normal(shape)
    if complex_:
        b = b + 1j * rng.standard_normal(b.shape)
        a = a * np.exp(1j * rng.uniform(-1, 1, a_shape))
        h0 = h0 + 1j * rng.standard_normal(shape)
    return a, b, h0


@pytest.mark.parametrize("method", LINEAR_METHODS + ("log",))
@pytest.mark.parametrize("T", [1, 2, 3, 7, 64, 257, 1000])
@pytest.mark.parametrize("invariant", [True, False])
def test_methods_agree_with_loop(method, T, invariant):
    rng = np.random.default_rng(T)
    a, b, h0 = _data(rng, T, (3,), invariant=invariant, complex_=False)
    if method == "log":
        b, h0 = np.abs(b), np.abs(h0)
    if method == "lfilter" and not invariant:
        pytest.skip("lfilter needs a time-invariant a")
    h = linear_scan(a, b, h0, method=method)
    ref = _loop(a, b, h0)
    assert h.shape == b.shape and h.dtype == np.float64
    # 1e-12 relative to the running magnitude: far above (t+1) eps for T <= 1000 with |a| <= 1
    # and |b| ~ 1, far below any algebraic mistake (O(1))
    np.testing.assert_allclose(h, ref, rtol=1e-12, atol=1e-12 * np.max(np.abs(ref)))


@pytest.mark.parametrize("method", LINEAR_METHODS)
def test_complex_and_nd_state(method):
    rng = np.random.default_rng(5)
    a, b, h0 = _data(rng, 300, (2, 3), invariant=True, complex_=True)
    h = linear_scan(a, b, h0, method=method)
    assert h.dtype == np.complex128 and h.shape == (300, 2, 3)
    np.testing.assert_allclose(h, _loop(a, b, h0), rtol=1e-12, atol=1e-12 * np.max(np.abs(h)))
    if method != "lfilter":
        a, b, h0 = _data(rng, 300, (2, 3), invariant=False, complex_=True)
        h = linear_scan(a, b, h0, method=method)
        np.testing.assert_allclose(h, _loop(a, b, h0), rtol=1e-12, atol=1e-12 * np.max(np.abs(h)))


def test_broadcast_gates_and_h0():
    rng = np.random.default_rng(2)
    b = rng.standard_normal((50, 4, 3))
    for a in (0.7, np.array([0.1, 0.5, 0.9]), rng.uniform(0, 1, (4, 1)), rng.uniform(0, 1, (50, 1, 3)),
              rng.uniform(0, 1, (1, 4, 3))):
        for method in LINEAR_METHODS:
            if method == "lfilter" and np.ndim(a) == 3 and np.shape(a)[0] != 1:
                continue
            h = linear_scan(a, b, 1.5, method=method)
            np.testing.assert_allclose(h, _loop(np.asarray(a), b, 1.5), rtol=1e-13, atol=1e-13)


def test_mixed_real_complex_promotes():
    h = linear_scan(0.5 + 0.5j, np.ones(3))
    assert h.dtype == np.complex128
    np.testing.assert_allclose(h, _loop(np.asarray(0.5 + 0.5j), np.ones(3), 0.0))


@pytest.mark.parametrize("method", LINEAR_METHODS + ("log",))
def test_streaming_continues_exactly(method):
    rng = np.random.default_rng(3)
    a = rng.uniform(0.5, 1.0, 4)
    b = rng.uniform(0.1, 1.0, (400, 4))
    whole = linear_scan(a, b, method="sequential")
    first = linear_scan(a, b[:150], method=method)
    rest = linear_scan(a, b[150:], h0=first[-1], method=method)
    # same bound as above: both pieces are within (t+1) eps of the exact values
    np.testing.assert_allclose(np.concatenate([first, rest]), whole, rtol=1e-12)
    if method in ("sequential", "lfilter"):
        # these follow the same rounding path as the whole run: bitwise equal
        np.testing.assert_array_equal(np.concatenate([first, rest]), whole)


@pytest.mark.parametrize("method", LINEAR_METHODS)
@pytest.mark.parametrize("invariant", [True, False])
def test_reverse_scan(method, invariant):
    if method == "lfilter" and not invariant:
        pytest.skip("lfilter needs a time-invariant a")
    rng = np.random.default_rng(4)
    a, b, hT = _data(rng, 333, (2,), invariant=invariant, complex_=True)
    g = reverse_linear_scan(a, b, hT, method=method)
    af = np.broadcast_to(a, b.shape)
    ref = np.empty_like(b)
    nxt = hT
    for t in range(b.shape[0] - 1, -1, -1):
        nxt = af[t] * nxt + b[t]
        ref[t] = nxt
    assert g.flags.c_contiguous
    np.testing.assert_allclose(g, ref, rtol=1e-12, atol=1e-12 * np.max(np.abs(ref)))


def test_chunked_with_forced_small_chunks_and_tail():
    from linrec.scan import _kernel_chunked, _prepare

    rng = np.random.default_rng(6)
    a, b, h0 = _data(rng, 103, (5,), invariant=False, complex_=True)
    ref = _loop(a, b, h0)
    for L in (1, 2, 3, 10, 51, 52, 103):
        p = _prepare(a, b, h0, None)
        out = np.empty(p.b.shape, dtype=p.dtype)
        _kernel_chunked(p.a, p.b, p.h0, False, out, L=L)
        np.testing.assert_allclose(out, ref, rtol=1e-12, atol=1e-12)


def test_chunked_writes_through_strided_out():
    # step (3) of the chunked kernel writes the states through a (G, L, N) reshape of out; that
    # reshape must be a view for any strides of out (reverse_linear_scan hands the kernel a
    # reversed out with a negative time stride), or the result would go to a discarded copy
    from linrec.scan import _kernel_chunked, _prepare

    rng = np.random.default_rng(15)
    a, b, h0 = _data(rng, 103, (5,), invariant=False, complex_=False)
    ref = _loop(a, b, h0)
    p = _prepare(a, b, h0, None)
    for make_out in (
        lambda: np.full((103, 5), np.nan)[::-1],  # negative time stride
        lambda: np.full((103, 10), np.nan)[:, ::2],  # channels strided
        lambda: np.full((206, 5), np.nan)[::2],  # time strided
    ):
        out = make_out()
        _kernel_chunked(p.a, p.b, p.h0, False, out, L=10)
        np.testing.assert_allclose(out, ref, rtol=1e-12, atol=1e-12)


def test_chunked_never_forms_underflowing_products():
    # gates of 1e-30: a^L underflows for L >= 11 in float64. The chunked method must shorten
    # its chunks; products that underflowed would lose the O(1e-30^k) terms' relative accuracy
    # (subnormals) or, at 0 * inf, give NaN for |a| > 1.
    T = 400
    b = np.zeros((T, 2))
    b[::37] = 1.0
    a = np.array([1e-30, 0.5])
    h = linear_scan(a, b, method="chunked")
    np.testing.assert_allclose(h, _loop(a, b, 0.0), rtol=1e-13, atol=0)
    # |a| > 1: the state is exactly 0 until the input arrives at t = 395, then grows like
    # 1e30^k; a chunk product 1e30^L that overflowed would give inf * 0 = NaN before t = 395
    b_late = np.zeros((T, 2))
    b_late[395:] = 1.0
    a = np.array([1e30, 0.5])
    h = linear_scan(a, b_late, method="chunked")
    assert np.all(np.isfinite(h))
    np.testing.assert_allclose(h, _loop(a, b_late, 0.0), rtol=1e-13, atol=0)
    at = np.full((T, 2), 1e-20)
    h = linear_scan(at, b, 1.0, method="chunked")
    np.testing.assert_allclose(h, _loop(at, b, 1.0), rtol=1e-13, atol=0)


def test_select_method_rule():
    assert select_method(1_000_000, 64, True) == "chunked"
    assert select_method(1_000_000, 64, False) == "chunked"
    assert select_method(4096, 4096, True) == "sequential"
    assert select_method(4096, 4096, False) == "sequential"
    assert select_method(62_500, 1024, False) == "sequential"
    assert select_method(62_500, 1024, True) == "chunked"  # time-invariant: crossover at 1536
    assert select_method(62_500, 512, False) == "chunked"
    assert select_method(62_500, 512, False, np.complex128) == "sequential"
    assert select_method(62_500, 512, True, np.complex128) == "chunked"
    assert select_method(62_500, 1024, True, np.complex128) == "sequential"
    assert select_method(62_500, 256, False, np.complex128) == "chunked"
    assert select_method(63, 8, False) == "sequential"  # shorter than two chunks


def test_dtype_float32():
    rng = np.random.default_rng(7)
    a, b, h0 = _data(rng, 200, (3,), invariant=False, complex_=True)
    for method in ("sequential", "chunked", "tree"):
        h32 = linear_scan(a, b, h0, method=method, dtype="float32")
        assert h32.dtype == np.complex64
        ref = _loop(a, b, h0)
        bnd = rounding_bound(a, b, h0, method=method, dtype="float32")
        # inputs are rounded to float32 first (relative 2^-24 each): that perturbation of the
        # data is itself bounded by the same form (one extra rounding of a, b and h0)
        assert np.all(np.abs(h32 - ref) <= 2 * bnd)
    assert linear_scan(0.5, np.ones(3), dtype=np.float32).dtype == np.float32


# ---------------------------------------------------------------------------------- bad input


def test_bad_input_errors():
    ok_b = np.ones((5, 2))
    with pytest.raises(TypeError, match="b must have a float or complex dtype"):
        linear_scan(0.5, np.ones((5, 2), dtype=int))
    with pytest.raises(TypeError, match="a must have a float or complex dtype"):
        linear_scan(np.array([1, 0]), ok_b)
    with pytest.raises(TypeError, match="h0 must have a float or complex dtype"):
        linear_scan(0.5, ok_b, h0=np.zeros(2, dtype=np.int32))
    with pytest.raises(TypeError, match="a must be a float or complex array; got a bool"):
        linear_scan(True, ok_b)
    with pytest.raises(TypeError, match="b must have a float or complex dtype"):
        linear_scan(0.5, np.array([object(), object()]))
    with pytest.raises(TypeError, match="b must have a float or complex dtype"):
        linear_scan(0.5, np.array([True, False]))
    with pytest.raises(ValueError, match="b must have a non-empty time axis"):
        linear_scan(0.5, np.ones((0, 2)))
    with pytest.raises(ValueError, match="b must have at least one dimension"):
        linear_scan(0.5, 1.0)
    with pytest.raises(ValueError, match="b must be finite"):
        linear_scan(0.5, np.array([1.0, np.nan]))
    with pytest.raises(ValueError, match="a must be finite"):
        linear_scan(np.array([np.inf, 0.5]), ok_b)
    with pytest.raises(ValueError, match="h0 must be finite"):
        linear_scan(0.5, ok_b, h0=np.array([np.nan, 0.0]))
    with pytest.raises(ValueError, match="a .time-invariant.*broadcastable"):
        linear_scan(np.ones(3), ok_b)
    with pytest.raises(ValueError, match="a .time-varying.*broadcastable"):
        linear_scan(np.ones((4, 2)), ok_b)
    with pytest.raises(ValueError, match="a must be broadcastable"):
        linear_scan(np.ones((5, 2, 1)), ok_b)
    with pytest.raises(ValueError, match="h0 must be broadcastable"):
        linear_scan(0.5, ok_b, h0=np.ones(3))
    with pytest.raises(ValueError, match="method must be one of"):
        linear_scan(0.5, ok_b, method="fft")
    with pytest.raises(ValueError, match="lfilter.*time-invariant"):
        linear_scan(np.full((5, 2), 0.5), ok_b, method="lfilter")
    with pytest.raises(ValueError, match="log.*a > 0"):
        linear_scan(np.array([0.5, 0.0]), ok_b, method="log")
    with pytest.raises(ValueError, match="log.*b >= 0"):
        linear_scan(0.5, -ok_b, method="log")
    with pytest.raises(ValueError, match="log.*h0 >= 0"):
        linear_scan(0.5, ok_b, h0=-1.0, method="log")
    with pytest.raises(TypeError, match="log.*real"):
        linear_scan(0.5 + 0j, ok_b, method="log")
    with pytest.raises(TypeError, match="dtype must be"):
        linear_scan(0.5, ok_b, dtype=np.float16)
    with pytest.raises(ValueError, match="tree.*overflow"):
        linear_scan(1e200, np.ones(8), method="tree")
    with pytest.raises(ValueError, match="hT must be broadcastable"):
        reverse_linear_scan(0.5, ok_b, hT=np.ones(3))
    with pytest.raises(ValueError, match="grad_h must have h's shape"):
        linear_scan_vjp(0.5, ok_b, np.ones((5, 3)))
    assert set(METHODS) == {"auto", "sequential", "lfilter", "chunked", "tree", "log"}


def test_inputs_not_mutated():
    rng = np.random.default_rng(8)
    a, b, h0 = _data(rng, 100, (3,), invariant=False, complex_=False)
    copies = [x.copy() for x in (a, b, h0)]
    for method in ("sequential", "chunked", "tree"):
        linear_scan(a, b, h0, method=method)
        reverse_linear_scan(a, b, h0, method=method)
    for x, c in zip((a, b, h0), copies):
        np.testing.assert_array_equal(x, c)


# ---------------------------------------------------------------------------------- adjoint


@pytest.mark.parametrize("a_kind", ["scalar", "channel", "broadcast", "varying", "varying_broadcast", "leading_one"])
def test_vjp_matches_finite_differences_and_complex_step(a_kind):
    rng = np.random.default_rng(9)
    T, shape = 25, (2, 3)
    a = {
        "scalar": np.array(0.8),
        "channel": rng.uniform(0.3, 0.95, shape),
        "broadcast": rng.uniform(0.3, 0.95, (2, 1)),
        "varying": rng.uniform(0.3, 0.95, (T,) + shape),
        "varying_broadcast": rng.uniform(0.3, 0.95, (T, 1, 3)),
        "leading_one": rng.uniform(0.3, 0.95, (1,) + shape),  # same ndim as b, read as time-invariant
    }[a_kind]
    b = rng.standard_normal((T,) + shape)
    h0 = rng.standard_normal((1, 3))
    w = rng.standard_normal((T,) + shape)

    def loss(p):
        return np.sum(w * linear_scan(p["a"], p["b"], p["h0"], method="sequential"))

    h = linear_scan(a, b, h0)
    ga, gb, gh0 = linear_scan_vjp(a, h, w, h0)
    assert ga.shape == a.shape and gb.shape == b.shape and gh0.shape == h0.shape
    check_grad(loss, {"a": a, "b": b, "h0": h0}, {"a": ga, "b": gb, "h0": gh0}, complex_step=True)


def test_vjp_complex_convention():
    # L = sum Re(conj(w) h): dL/dRe z + i dL/dIm z for z in (a, b, h0), checked by central
    # differences on the real and imaginary parts separately
    rng = np.random.default_rng(10)
    T = 12
    a = rng.uniform(0.5, 0.9, T) * np.exp(1j * rng.uniform(-1, 1, T))
    b = rng.standard_normal(T) + 1j * rng.standard_normal(T)
    h0 = np.array(0.3 - 0.2j)
    w = rng.standard_normal(T) + 1j * rng.standard_normal(T)

    def split(z):
        return np.stack([z.real, z.imag])

    def loss(p):
        z = {k: p[k][0] + 1j * p[k][1] for k in p}
        return float(np.sum(np.real(np.conj(w) * linear_scan(z["a"], z["b"], z["h0"], method="sequential"))))

    h = linear_scan(a, b, h0)
    ga, gb, gh0 = linear_scan_vjp(a, h, w, h0)
    check_grad(loss, {"a": split(a), "b": split(b), "h0": split(h0)},
               {"a": split(ga), "b": split(gb), "h0": split(gh0)})


def test_vjp_default_h0_and_last_state_loss():
    a, b = np.array([0.5, 0.25]), np.ones((4, 2))
    h = linear_scan(a, b)
    g = np.zeros((4, 2))
    g[-1] = 1.0
    ga, gb, gh0 = linear_scan_vjp(a, h, g)
    np.testing.assert_allclose(gb, a[None, :] ** np.arange(3, -1, -1)[:, None])
    np.testing.assert_allclose(gh0, a ** 4)
    # d/da (a^3 + a^2 + a + 1) = 3a^2 + 2a + 1
    np.testing.assert_allclose(ga, 3 * a**2 + 2 * a + 1)


@pytest.mark.parametrize("method", ["sequential", "chunked", "tree", "log", "auto", "lfilter"])
@pytest.mark.parametrize("where", ["b_nan", "b_inf", "a_nan", "a_inf", "a_ninf"])
def test_non_finite_inputs_detected_by_every_method(method, where):
    # finiteness of b and of a time-varying a is checked after the scan from the last state
    # (a NaN or inf makes every later state non-finite, even through zero gates); check that
    # this catches every position and kind, including a zero gate right after the bad value
    T = 300
    a = np.full((T, 2), 0.5)
    a[151] = 0.0 if method != "log" else 1e-300  # log needs a > 0
    b = np.ones((T, 2))
    t = 150
    if where.startswith("b"):
        b[t, 1] = np.nan if where == "b_nan" else np.inf
    else:
        a[t, 0] = {"a_nan": np.nan, "a_inf": np.inf, "a_ninf": -np.inf}[where]
    name = where[0]
    if method == "lfilter":
        if where.startswith("a"):
            pytest.skip("lfilter needs a time-invariant a (checked eagerly)")
        with pytest.raises(ValueError, match="b must be finite"):
            linear_scan(0.5, b, method=method)
        return
    msg = "needs a > 0" if (method == "log" and where == "a_ninf") else f"{name} must be finite"
    with pytest.raises(ValueError, match=msg):
        linear_scan(a, b, method=method)
    with pytest.raises(ValueError, match=msg):
        reverse_linear_scan(a, b, method=method)


def test_genuine_overflow_warns():
    from linrec import LinrecWarning

    with pytest.warns(LinrecWarning, match="overflowed"):
        h = linear_scan(np.full(200, 100.0), np.ones(200), method="sequential")
    assert np.isinf(h[-1])


def test_out_buffer():
    rng = np.random.default_rng(13)
    a, b, h0 = _data(rng, 120, (2, 3), invariant=False, complex_=False)
    for method in ("sequential", "chunked", "tree", "auto"):
        buf = np.full(b.shape, np.nan)
        res = linear_scan(a, b, h0, method=method, out=buf)
        assert res is buf
        np.testing.assert_allclose(buf, _loop(a, b, h0), rtol=1e-12, atol=1e-12)
        buf2 = np.full(b.shape, np.nan)
        assert reverse_linear_scan(a, b, h0, method=method, out=buf2) is buf2
        np.testing.assert_allclose(buf2, reverse_linear_scan(a, b, h0, method="sequential"), rtol=1e-12, atol=1e-12)
    with pytest.raises(ValueError, match="out must have shape"):
        linear_scan(a, b, h0, out=np.empty((120, 6)))
    with pytest.raises(ValueError, match="out must have shape .* dtype"):
        linear_scan(a, b, h0, out=np.empty(b.shape, dtype=np.float32))
    with pytest.raises(ValueError, match="C-contiguous"):
        linear_scan(a, b, h0, out=np.empty((2, 3, 120)).transpose(2, 0, 1))
    with pytest.raises(ValueError, match="must not overlap"):
        bb = b.copy()
        linear_scan(a, bb, h0, out=bb)
    with pytest.raises(TypeError, match="out must be a numpy.ndarray"):
        linear_scan(a, b, h0, out=[0.0])


def test_out_buffer_through_several_blocks(monkeypatch):
    import linrec.scan as scan_mod

    # small chunks and blocks: the multi-block path with and without a fresh output
    monkeypatch.setattr(scan_mod, "_CHUNK", 5)
    monkeypatch.setattr(scan_mod, "_BLOCK_BYTES", 16 * 5 * 6 * 4)
    rng = np.random.default_rng(14)
    for invariant in (True, False):
        a, b, h0 = _data(rng, 203, (6,), invariant=invariant, complex_=True)
        ref = _loop(a, b, h0)
        buf = np.empty(b.shape, dtype=complex)
        linear_scan(a, b, h0, method="chunked", out=buf)
        np.testing.assert_allclose(buf, ref, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(linear_scan(a, b, h0, method="chunked"), ref, rtol=1e-12, atol=1e-12)
        g = reverse_linear_scan(a, b, h0, method="chunked", out=np.empty(b.shape, dtype=complex))
        np.testing.assert_allclose(g, reverse_linear_scan(a, b, h0, method="sequential"), rtol=1e-12, atol=1e-12)
