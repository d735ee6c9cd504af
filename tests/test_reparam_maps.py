"""linrec.reparam.maps: values vs mpmath, derivatives vs complex step, inverses, domains, ZOH."""

import mpmath
import numpy as np
import pytest

from linrec.reparam import COMPLEX_REPARAM_NAMES, REPARAM_NAMES, complex_reparam, reparam, zoh, zoh_grad

EPS = np.finfo(float).eps

ALL = [(n, t) for t in ("continuous", "discrete") for n in REPARAM_NAMES[t]]


def _mp_f(name, time, w, a=1.0, b=None):
    """High-precision reference of f (mpmath, at least 50 digits)."""
    with mpmath.workdps(max(50, mpmath.mp.dps)):
        w = mpmath.mpf(w)
        if b is None:
            b = 0.5 if time == "continuous" else 1.0
        if time == "continuous":
            return {"direct": lambda: w, "exp": lambda: -mpmath.exp(w),
                    "softplus": lambda: -mpmath.log(1 + mpmath.exp(w)),
                    "best": lambda: -1 / (a * w**2 + b)}[name]()
        return {"direct": lambda: w, "exp": lambda: mpmath.exp(-mpmath.exp(w)),
                "sigmoid": lambda: 1 / (1 + mpmath.exp(-w)), "tanh": lambda: mpmath.tanh(w),
                "best": lambda: 1 - 1 / (a * w**2 + b)}[name]()


def _points(name, time):
    if name == "direct":
        return np.array([-3.0, -0.5, -1e-6]) if time == "continuous" else np.array([-0.9, 0.2, 0.999])
    return np.array([-30.0, -2.0, -0.3, 0.0, 0.7, 3.0, 25.0])


@pytest.mark.parametrize("name,time", ALL)
def test_values_match_mpmath(name, time):
    m = reparam(name, time=time)
    w = _points(name, time)
    got = m.f(w)
    ref = np.array([float(_mp_f(name, time, x)) for x in w])
    # one or two roundings per elementary operation: a few eps relative (absolute near 0)
    np.testing.assert_allclose(got, ref, rtol=8 * EPS, atol=1e-300)


@pytest.mark.parametrize("name,time", ALL)
def test_gap_matches_mpmath_to_relative_precision(name, time):
    m = reparam(name, time=time)
    w = _points(name, time)
    got = m.gap(w)
    with mpmath.workdps(50):
        ref = []
        for x in w:
            lam = _mp_f(name, time, x)
            ref.append(float(-lam if time == "continuous" else 1 - abs(lam)))
    # relative precision even where 1 - |lam| is 1e-13 (that's the point of gap)
    np.testing.assert_allclose(got, np.array(ref), rtol=16 * EPS, atol=0)


@pytest.mark.parametrize("name,time", ALL)
def test_derivatives_vs_complex_step_and_mpmath(name, time):
    m = reparam(name, time=time)
    w = _points(name, time)
    h = 1e-30
    cs = np.imag(m.f(w + 1j * h)) / h
    # complex step is exact to rounding: relative 4 eps
    np.testing.assert_allclose(m.df(w), cs, rtol=8 * EPS, atol=1e-300)
    cs2 = np.imag(m.df(w + 1j * h)) / h
    np.testing.assert_allclose(m.d2f(w), cs2, rtol=64 * EPS, atol=1e-300)
    for x in w:
        # mpmath's numerical derivative with the working precision raised to 60 digits: its
        # own error (step ~ 10^-20) is far below double rounding
        with mpmath.workdps(60):
            d1 = mpmath.diff(lambda t: _mp_f(name, time, t), mpmath.mpf(x))
            d2 = mpmath.diff(lambda t: _mp_f(name, time, t), mpmath.mpf(x), 2)
        assert abs(float(m.df(x)) - float(d1)) <= 8 * EPS * abs(float(d1)) + 1e-300
        assert abs(float(m.d2f(x)) - float(d2)) <= 64 * EPS * abs(float(d2)) + 1e-60  # mpmath.diff noise ~1e-74


@pytest.mark.parametrize("name,time", ALL)
def test_inverse_roundtrip(name, time):
    m = reparam(name, time=time)
    w = _points(name, time)
    if name == "best":
        w = np.abs(w)
    if (name, time) in {("sigmoid", "discrete"), ("tanh", "discrete"), ("exp", "discrete")}:
        w = w[np.abs(w) <= 3.0]  # beyond, lam rounds to 1 (or 0) and w is not identifiable
    back = m.inverse(m.f(w))
    # condition number of inversion |f / (w f')| times eps, plus absolute eps at w = 0
    cond = np.abs(m.f(w)) / np.maximum(np.abs(w * m.df(w)), 1e-300)
    assert np.all(np.abs(back - w) <= 8 * EPS * (np.abs(w) * np.maximum(cond, 1) + 1))


@pytest.mark.parametrize("name,time", ALL)
def test_no_overflow_for_large_weights(name, time):
    m = reparam(name, time=time)
    if name == "direct":
        return
    w = np.array([-500.0, -200.0, 200.0, 500.0])
    if name == "exp":
        w = np.array([-700.0, -200.0, 200.0, 700.0])
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow to 0 is fine
        for fn in (m.f, m.df, m.d2f, m.gap):
            out = fn(w)
            assert np.all(np.isfinite(out)), (fn.__name__, out)


def test_softplus_large_and_small():
    m = reparam("softplus", time="continuous")
    assert float(m.f(500.0)) == -500.0
    assert float(m.f(-500.0)) == pytest.approx(-np.exp(-500.0), rel=4 * EPS)
    assert float(m.inverse(-1e-200)) == pytest.approx(np.log(1e-200), rel=4 * EPS)


def test_out_of_domain_raises():
    with pytest.raises(ValueError, match="w must lie in"):
        reparam("direct", time="continuous").f(0.1)
    with pytest.raises(ValueError, match="w must lie in"):
        reparam("direct", time="discrete").df([0.5, 1.0])
    with pytest.raises(ValueError, match="lam must lie in"):
        reparam("exp", time="continuous").inverse(0.5)
    with pytest.raises(ValueError, match="lam must lie in"):
        reparam("best", time="continuous", a=1, b=1).inverse(-1.5)
    with pytest.raises(ValueError, match="lam must lie in"):
        reparam("sigmoid", time="discrete").inverse(1.0)
    with pytest.raises(ValueError, match="w must be finite"):
        reparam("exp", time="continuous").f(np.nan)
    with pytest.raises(ValueError, match="a must be > 0"):
        reparam("best", a=0.0)
    with pytest.raises(ValueError, match="b must be > 0"):
        reparam("best", b=-1.0)
    with pytest.raises(ValueError, match="b must be > 1/2"):
        reparam("best", time="discrete", b=0.5)
    with pytest.raises(TypeError, match="a must be a finite real"):
        reparam("best", a="1")
    with pytest.raises(ValueError, match="name must be one of"):
        reparam("sigmoid", time="continuous")
    with pytest.raises(ValueError, match="time must be one of"):
        reparam("exp", time="hybrid")
    from linrec.reparam import Reparam
    with pytest.raises(ValueError, match="needs a > 0"):
        Reparam("best", "continuous")


def test_best_is_even_and_ranges():
    m = reparam("best", time="discrete", a=2.0, b=0.75)
    w = np.linspace(-4, 4, 9)
    np.testing.assert_array_equal(m.f(w), m.f(-w))
    assert np.all(m.range.contains(m.f(w)))
    assert float(m.f(0.0)) == pytest.approx(1 - 1 / 0.75, rel=EPS)
    assert str(reparam("best", b=0.5).range) == "[-2.0, 0.0)"


@pytest.mark.parametrize("name", COMPLEX_REPARAM_NAMES)
def test_complex_maps(name):
    m = complex_reparam(name)
    nu = np.array([0.1, 0.4, 0.95]) if name == "polar" else np.array([-6.0, -1.0, 0.5])
    th = np.array([-0.7, 0.3, 1.1])
    lam = m.f(nu, th)
    assert np.all(np.abs(lam) < 1)
    np.testing.assert_allclose(np.abs(lam), m.modulus(nu), rtol=4 * EPS)
    np.testing.assert_allclose(1 - np.abs(lam), m.gap(nu), rtol=1e-12)  # |lam| computed, mild cancellation
    h = 1e-7
    # central differences of an analytic map: error O(h^2 |f'''|) + eps/h ~ 1e-9
    np.testing.assert_allclose(m.d_nu(nu, th), (m.f(nu + h, th) - m.f(nu - h, th)) / (2 * h), atol=1e-8)
    np.testing.assert_allclose(m.d_theta(nu, th), (m.f(nu, th + h) - m.f(nu, th - h)) / (2 * h), atol=1e-8)
    nu2, th2 = m.inverse(lam)
    np.testing.assert_allclose(m.f(nu2, th2), lam, rtol=1e-13)
    np.testing.assert_allclose(nu2, nu, rtol=1e-12)


def test_complex_errors():
    with pytest.raises(ValueError, match="name must be one of"):
        complex_reparam("cartesian")
    with pytest.raises(ValueError, match="nu must lie in"):
        complex_reparam("polar").f(1.0, 0.0)
    with pytest.raises(ValueError, match=r"\|lam\| must lie in"):
        complex_reparam("lru").inverse(1.0 + 0.1j)


def test_lru_gap_tiny():
    m = complex_reparam("lru")
    assert float(m.gap(-40.0)) == pytest.approx(np.exp(-40.0), rel=1e-15)


def test_zoh_against_mpmath_and_grad():
    lam = np.array([-1e-14, -0.3, -2.0 + 1.5j, -40.0, 0.0])
    d = 0.7
    lam_d, bbar = zoh(lam, d)
    for l, ld, bb in zip(lam, lam_d, bbar):
        with mpmath.workdps(50):
            lm = mpmath.mpc(l.real, l.imag)
            ref_d = mpmath.exp(d * lm)
            ref_b = mpmath.mpf(d) if l == 0 else (mpmath.exp(d * lm) - 1) / lm
        # exp(x) with x = delta*lam rounded (relative eps): relative error (|x| + 2) eps
        assert abs(ld - complex(ref_d)) <= (abs(d * l) + 4) * EPS * abs(complex(ref_d))
        assert abs(bb - complex(ref_b)) <= (abs(d * l) + 8) * EPS * abs(complex(ref_b))
    dl, db = zoh_grad(lam, d)
    for l, g1, g2 in zip(lam, dl, db):
        with mpmath.workdps(50):
            lm = mpmath.mpc(l.real, l.imag)
            r1 = mpmath.diff(lambda z: mpmath.exp(d * z), lm)
            r2 = mpmath.diff(lambda z: (mpmath.exp(d * z) - 1) / z if z != 0 else mpmath.mpf(d), lm) if l != 0 \
                else mpmath.mpf(d) ** 2 / 2
        assert abs(g1 - complex(r1)) <= (abs(d * l) + 8) * EPS * abs(complex(r1))
        assert abs(g2 - complex(r2)) <= (abs(d * l) + 32) * EPS * abs(complex(r2))


def test_zoh_errors():
    with pytest.raises(ValueError, match="Re\\(lam_c\\) <= 0"):
        zoh(0.1, 1.0)
    with pytest.raises(ValueError, match="delta must be > 0"):
        zoh(-0.1, 0.0)
