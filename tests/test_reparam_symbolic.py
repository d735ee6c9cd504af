"""linrec.reparam.symbolic: exponent limits, closed-form S_f, derive_reparam."""

import pytest
import sympy as sp

from linrec.reparam import REPARAM_NAMES, reparam
from linrec.reparam.criteria import boundary_exponent, stability_function
from linrec.reparam.symbolic import (
    W,
    boundary_exponent_symbolic,
    derive_reparam,
    stability_function_closed_form,
    sympy_map,
)

ALL = [(n, t) for t in ("continuous", "discrete") for n in REPARAM_NAMES[t]]


@pytest.mark.parametrize("name,time", ALL)
def test_sympy_map_matches_numeric(name, time):
    f, _ = sympy_map(name, time, a=1, b=sp.Rational(1, 2) if time == "continuous" else 1)
    m = reparam(name, time=time)
    for w in ([-0.4, -2.0] if name == "direct" and time == "continuous" else [-0.4, 0.3]):
        assert float(f.subs(W, w)) == pytest.approx(float(m.f(w)), rel=1e-14)
        assert float(sp.diff(f, W).subs(W, w)) == pytest.approx(float(m.df(w)), rel=1e-14)
        assert float(sp.diff(f, W, 2).subs(W, w)) == pytest.approx(float(m.d2f(w)), rel=1e-13, abs=1e-15)


@pytest.mark.parametrize("name,time", ALL)
def test_symbolic_exponent_matches_fit(name, time):
    k = boundary_exponent_symbolic(name, time)
    assert k.is_Rational
    assert float(k) == pytest.approx(boundary_exponent(reparam(name, time=time)).k, abs=1e-6)


def test_closed_forms():
    beta = sp.Symbol("beta", positive=True)
    assert stability_function_closed_form("direct")(beta) == sp.oo
    assert stability_function_closed_form("direct", "discrete")(beta) == sp.oo
    assert sp.simplify(stability_function_closed_form("exp")(beta) - (sp.exp(beta) - 1)) == 0
    assert sp.simplify(stability_function_closed_form("tanh", "discrete")(beta) - (sp.exp(2 * beta) - 1)) == 0
    assert stability_function_closed_form("softplus") is None  # transcendental critical points
    a, b = sp.Symbol("a", positive=True), sp.Symbol("b", positive=True)
    S = stability_function_closed_form("best")(beta)
    expected = sp.sqrt(a) * beta * (sp.sqrt(a) * beta + sp.sqrt(a * beta**2 + 4 * b)) / (2 * b)
    for vals in ({a: 1, b: 1, beta: 0.3}, {a: 2.5, b: 0.2, beta: 1.7}):
        assert float(S.subs(vals)) == pytest.approx(float(expected.subs(vals)), rel=1e-14)


@pytest.mark.parametrize("name,time,ab", [("exp", "continuous", {}), ("best", "continuous", {"a": 2.0, "b": 0.25}),
                                          ("sigmoid", "discrete", {}), ("best", "discrete", {"a": 0.5, "b": 3.0})])
def test_closed_form_vs_numeric_supremum(name, time, ab):
    S = stability_function_closed_form(name, time, **ab)
    m = reparam(name, time=time, **ab)
    for beta in (0.01, 0.4, 3.0):
        # the numeric supremum is refined by L-BFGS-B from a fine grid: agreement to ~1e-9
        assert float(stability_function(m, beta)) == pytest.approx(float(S(sp.Float(beta))), rel=1e-8)


def test_derive_reparam_recovers_best_and_exp():
    c = sp.Symbol("c", positive=True)
    f = derive_reparam(c * sp.Abs(W))
    C1 = sp.Symbol("C1")
    # -1/f must be the quadratic c w^2/2 + const: the "best" map with a = c/2
    q = sp.expand(sp.simplify(-1 / f))
    assert sp.Poly(q, W).all_coeffs()[0] == c / 2 and sp.Poly(q, W).all_coeffs()[1] == 0
    fd = derive_reparam(c * sp.Abs(W), "discrete")
    qd = sp.expand(sp.simplify(1 / (1 - fd)))
    assert sp.Poly(qd, W).all_coeffs()[0] == c / 2
    lam = sp.Symbol("lam")
    fe = derive_reparam(-1 / lam, sign=-1, lam=lam)  # G = 1/|lam|: the exp map C1 e^w
    assert sp.simplify(fe / sp.exp(W)).free_symbols <= {C1}
    with pytest.raises(ValueError, match="sign must be 1 or -1"):
        derive_reparam(c * W, sign=0)
    with pytest.raises(ValueError, match="time must be one of"):
        derive_reparam(c * W, "hybrid")


def test_symbolic_errors():
    with pytest.raises(ValueError, match="a must be > 0"):
        sympy_map("best", a=-1, b=1)
    with pytest.raises(ValueError, match="name must be one of"):
        sympy_map("sigmoid", "continuous")
