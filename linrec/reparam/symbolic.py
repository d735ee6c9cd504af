"""Symbolic side of the reparameterization criteria (imports sympy).

* :func:`sympy_map` — the maps of :mod:`linrec.reparam.maps` as sympy expressions, with
  the weight at which the eigenvalue reaches the stability boundary.
* :func:`boundary_exponent_symbolic` — k = −lim log G_f / log d (see
  :mod:`linrec.reparam.criteria` for the convention giving 2, 1, 1, ½).
* :func:`stability_function_closed_form` — S_f(β) in closed form when sympy can find the
  supremum over w (critical points plus limits at the ends of the domain), else None.
* :func:`derive_reparam` — solve |f'|/d(f)² = law(w, f) for f with ``dsolve``; with
  law = c|w| it returns the "best" map −1/(c w²/2 + C) (continuous) or 1 − 1/(c w²/2 + C)
  (discrete).
"""

from __future__ import annotations

from typing import Any

import sympy as sp

from linrec._validation import check_choice
from linrec.reparam.maps import REPARAM_NAMES

__all__ = [
    "sympy_map",
    "boundary_exponent_symbolic",
    "stability_function_closed_form",
    "derive_reparam",
]

W = sp.Symbol("w", real=True)


def _param(val: Any, name: str) -> sp.Expr:
    if val is None:
        return sp.Symbol(name, positive=True)
    if isinstance(val, sp.Basic):
        return val
    v = sp.nsimplify(val, rational=True)
    if not v.is_positive:
        raise ValueError(f"{name} must be > 0; got {val!r}")
    return v


def sympy_map(name: str, time: str = "continuous", *, a: Any = None, b: Any = None) -> tuple[sp.Expr, tuple]:
    """A reparameterization as a sympy expression in the real symbol w.

    Parameters
    ----------
    name : str
        Map name (``REPARAM_NAMES[time]``).
    time : {"continuous", "discrete"}, optional
        Time convention.
    a, b : number or sympy expression, optional
        ``best`` parameters (default: positive symbols ``a``, ``b``; numbers are converted to
        exact rationals).

    Returns
    -------
    f : sympy.Expr
        λ = f(w).
    boundary : tuple
        ``(point, direction)``: w → point (``sp.oo``, ``-sp.oo`` or a number) from
        ``direction`` (``"+"``/``"-"``) brings λ to the stability boundary (0⁻, resp. 1⁻).

    Notes
    -----
    Continuous: w, −e^w, −log(1 + e^w), −1/(a w² + b); discrete: w, exp(−e^w),
    1/(1 + e^−w), tanh w, 1 − 1/(a w² + b) (the table in :mod:`linrec.reparam.maps`).

    References
    ----------
    .. [1] S. Wang and Q. Li, "StableSSM", ICML 2024, Sec. 3.3 (the reparameterizations).

    Examples
    --------
    >>> f, bd = sympy_map("best", a=1, b=sp.Rational(1, 2))
    >>> f, bd
    (-1/(w**2 + 1/2), (oo, '-'))
    """
    check_choice(time, "time", ("continuous", "discrete"))
    if name == "lru" and time == "discrete":
        name = "exp"
    check_choice(name, "name", REPARAM_NAMES[time])
    w = W
    if time == "continuous":
        table = {
            "direct": (w, (sp.Integer(0), "-")),
            "exp": (-sp.exp(w), (-sp.oo, "+")),
            "softplus": (-sp.log(1 + sp.exp(w)), (-sp.oo, "+")),
        }
    else:
        table = {
            "direct": (w, (sp.Integer(1), "-")),
            "exp": (sp.exp(-sp.exp(w)), (-sp.oo, "+")),
            "sigmoid": (1 / (1 + sp.exp(-w)), (sp.oo, "-")),
            "tanh": (sp.tanh(w), (sp.oo, "-")),
        }
    if name == "best":
        av, bv = _param(a, "a"), _param(b, "b")
        q = av * w**2 + bv
        return (-1 / q if time == "continuous" else 1 - 1 / q), (sp.oo, "-")
    return table[name]


def _distance(f: sp.Expr, time: str) -> sp.Expr:
    """d = −f or 1 − f, with 1 − σ(w) and 1 − tanh(w) written through exponentials."""
    if time == "continuous":
        return -f
    if f == 1 / (1 + sp.exp(-W)):
        return 1 / (1 + sp.exp(W))
    if f == sp.tanh(W):
        return 2 / (1 + sp.exp(2 * W))
    return sp.simplify(1 - f)


def _tidy_radicals(expr: sp.Expr) -> sp.Expr:
    """Factor an expression with square roots: p → s², √(…) → r (positive dummies), back."""
    sq = {p: sp.Dummy(p.name, positive=True) for p in expr.free_symbols if p.is_positive and p.name != "beta"}
    e = expr.subs({p: d**2 for p, d in sq.items()})
    rad = [q for q in e.atoms(sp.Pow) if q.exp == sp.Rational(1, 2) and not q.base.is_Symbol]
    rep = {q: sp.Dummy("r", positive=True) for q in rad}
    e = sp.factor(sp.cancel(e.subs(rep)))
    e = e.subs({d: q for q, d in rep.items()})
    return sp.simplify(e.subs({d: sp.sqrt(p) for p, d in sq.items()}))


def _drop_abs(expr: sp.Expr, beta: sp.Symbol) -> sp.Expr:
    """Replace |x| by ±x when x has one sign at random positive parameter values; verified."""
    syms = sorted(expr.free_symbols, key=lambda s: s.name)
    pts = [{s: sp.Rational(k * 7 + j * 3 + 1, 4 + j) for j, s in enumerate(syms)} for k in range(1, 6)]

    def repl(arg):
        vals = [complex(arg.subs(p).evalf()) for p in pts]
        if all(v.imag == 0 and v.real > 0 for v in vals):
            return arg
        if all(v.imag == 0 and v.real < 0 for v in vals):
            return -arg
        return sp.Abs(arg)

    new = _tidy_radicals(sp.simplify(sp.radsimp(expr.replace(sp.Abs, repl))))
    for p in pts:
        ref = complex(expr.subs(p).evalf())
        if abs(complex(new.subs(p).evalf()) - ref) > 1e-12 * (1 + abs(ref)):
            return expr
    return new


def boundary_exponent_symbolic(name: str, time: str = "continuous", *, a: Any = None, b: Any = None) -> sp.Expr:
    """Exact exponent k of G_f ~ d^−k at the stability boundary (sympy limit).

    Parameters
    ----------
    name : str
        Map name.
    time : {"continuous", "discrete"}, optional
        Time convention.
    a, b : number or sympy expression, optional
        ``best`` parameters (symbols by default; k does not depend on them).

    Returns
    -------
    sympy.Expr
        k (a rational number for the maps here).

    Notes
    -----
    With d = −f (continuous) or 1 − f (discrete) and G_f = |f'|/d²,
    log G_f = ½ log f'² − 2 log d, so k = −lim log G_f/log d = 2 − ½ lim log(f'²)/log d,
    the limit taken as w tends to the boundary point of :func:`sympy_map`. Squaring f'
    avoids |·|, which sympy's ``limit`` handles poorly. If the direct limit fails, the
    ratio of derivatives (L'Hôpital) is tried.

    References
    ----------
    .. [1] S. Wang and Q. Li, "StableSSM", ICML 2024, Sec. 3.3 (gradient scale near the
       stability boundary).

    Examples
    --------
    >>> [boundary_exponent_symbolic(n) for n in ("direct", "exp", "softplus", "best")]
    [2, 1, 1, 1/2]
    """
    f, (pt, direction) = sympy_map(name, time, a=a, b=b)
    d = _distance(f, time)
    fp2 = sp.diff(f, W) ** 2
    num, den = sp.log(fp2), sp.log(d)
    ratio = sp.limit(num / den, W, pt, direction)
    if not ratio.is_finite:
        ratio = sp.limit(sp.simplify(sp.diff(num, W) / sp.diff(den, W)), W, pt, direction)
    return sp.nsimplify(2 - ratio / 2)


def _candidates(r: sp.Expr, lo: sp.Expr, hi: sp.Expr) -> list[sp.Expr] | None:
    """Values of r(w) at its real critical points in (lo, hi) and limits at lo⁺, hi⁻."""
    cands = []
    for end, direction in ((lo, "+"), (hi, "-")):
        try:
            cands.append(sp.limit(r, W, end, direction))
        except (NotImplementedError, ValueError):
            return None
    try:
        crit = sp.solve(sp.numer(sp.together(sp.diff(r, W))), W)
    except NotImplementedError:
        return None
    for c in crit:
        if c.is_real is False:
            continue
        cands.append(sp.simplify(r.subs(W, c)))
    return cands


def stability_function_closed_form(
    name: str, time: str = "continuous", *, a: Any = None, b: Any = None
) -> sp.Lambda | None:
    """Closed form of S_f(β) when sympy can find the supremum, else None.

    Parameters
    ----------
    name : str
        Map name.
    time : {"continuous", "discrete"}, optional
        Time convention.
    a, b : number or sympy expression, optional
        ``best`` parameters (positive symbols by default).

    Returns
    -------
    sympy.Lambda or None
        β ↦ S_f(β) (``oo`` for unstable maps), or None when sympy cannot solve the
        critical-point equation (then use :func:`linrec.reparam.criteria.stability_function`).

    Notes
    -----
    S_f(β) = sup_w sup_{|δ|≤β} |1 − r(w, δ)| with r = d(w)/d(w + δ). For δ = ±β (β > 0) the
    supremum over w is taken over the real critical points of r (``solve`` on the numerator
    of ∂r/∂w) and the one-sided limits at the ends of {w : w, w + δ ∈ domain}; if r does not
    depend on w, r itself. The largest candidate |1 − r| is selected by evaluation at
    β ∈ {1/100, 1/10, 1, 10} (with a = b = 1 for symbols) and must be the same at all of
    them. Restricting δ to ±β assumes sup_w |1 − r(w, δ)| grows with |δ| (true for the maps
    here; the numeric supremum, which searches all δ, confirms it in the tests).
    Results: direct ∞; exp e^β − 1; best √a β(√a β + √(aβ² + 4b))/(2b) (the maximum of
    q(w + β)/q(w) − 1 at w = (−β + √(β² + 4b/a))/2); discrete sigmoid e^β − 1, tanh
    e^{2β} − 1, best as in continuous time. For continuous softplus and discrete exp (LRU)
    sympy cannot solve the transcendental critical-point equation and None is returned; the
    numeric supremum is e^β − 1 for both, approached as w → −∞, because d log d/dw is
    monotone with limit 1 there.

    References
    ----------
    .. [1] S. Wang and Q. Li, "StableSSM", ICML 2024, Definition 3.4 and Thm 3.5.

    Examples
    --------
    >>> S = stability_function_closed_form("exp")
    >>> S(sp.Symbol("beta", positive=True))
    exp(beta) - 1
    >>> stability_function_closed_form("direct")(1)
    oo
    """
    f, _ = sympy_map(name, time, a=a, b=b)
    d = _distance(f, time)
    beta = sp.Symbol("beta", positive=True)
    if time == "continuous":
        dom = sp.Interval.open(-sp.oo, 0) if name == "direct" else sp.Interval.open(-sp.oo, sp.oo)
    else:
        dom = sp.Interval.open(-1, 1) if name == "direct" else sp.Interval.open(-sp.oo, sp.oo)
    per_delta = []
    for delta in (beta, -beta):
        r = sp.simplify(d / d.subs(W, W + delta))
        if W not in r.free_symbols:
            cands = [r]
        else:
            # {w : w ∈ dom, w + δ ∈ dom} = (lo, hi − β) for δ = β > 0, (lo + β, hi) for δ = −β
            lo, hi = (dom.start, dom.end - beta) if delta == beta else (dom.start + beta, dom.end)
            cands = _candidates(r, lo, hi)
            if cands is None:
                return None
        defects = [sp.Abs(1 - c) for c in cands]
        per_delta.extend(defects)
    if any(dd.has(sp.oo, sp.zoo) or dd == sp.oo for dd in per_delta):
        return sp.Lambda(beta, sp.oo)
    subs_ab = {s: 1 for s in set().union(*[dd.free_symbols for dd in per_delta]) if s.name in ("a", "b")}
    winner = None
    for bv in (sp.Rational(1, 100), sp.Rational(1, 10), sp.Integer(1), sp.Integer(10)):
        vals = [float(dd.subs(subs_ab).subs(beta, bv)) for dd in per_delta]
        k = max(range(len(vals)), key=vals.__getitem__)
        if winner is None:
            winner = k
        elif vals[k] > vals[winner] * (1 + 1e-12):
            return None
    expr = _drop_abs(sp.simplify(per_delta[winner]), beta)
    return sp.Lambda(beta, expr)


def derive_reparam(
    law: Any, time: str = "continuous", *, sign: int = 1, lam: sp.Symbol | None = None
) -> sp.Expr:
    """Solve for the map whose gradient scale follows a target law.

    Parameters
    ----------
    law : sympy.Expr or callable
        Target G_f as an expression in the symbol ``w`` (``linrec.reparam.symbolic.W``) and
        optionally ``lam`` (λ = f(w)), e.g. ``c * sp.Abs(W)`` or ``-1 / lam``; a callable is
        called as ``law(W, lam)``.
    time : {"continuous", "discrete"}, optional
        Continuous (d = −f) or discrete (d = 1 − f) gradient scale.
    sign : {1, -1}, optional
        Sign of f' (with |w| written as w, i.e. for w > 0): +1 when λ approaches the
        boundary as w grows (best, w > 0), −1 otherwise (exp).
    lam : sympy.Symbol, optional
        The symbol standing for λ in ``law`` (default ``sp.Symbol("lam")``).

    Returns
    -------
    sympy.Expr
        The general solution f(w) with integration constant ``C1``.

    Notes
    -----
    |f'|/d(f)² = G(w, f) with f' of sign s is the separable ODE f' = s G(w, f) d(f)², solved
    by ``sympy.dsolve`` on w > 0 (|w| = w there; the even extension covers w < 0). For
    G = c|w|: continuous f' = c w f² gives −1/f = c w²/2 + C, i.e. f = −1/(c w²/2 + C):
    the "best" map with a = c/2, b = C; discrete f' = c w (1 − f)² gives f = 1 − 1/(c w²/2 + C).

    References
    ----------
    .. [1] S. Wang and Q. Li, "StableSSM", ICML 2024, Sec. 3.3 (derivation of
       the "best" reparameterization from a balanced gradient-over-weight ratio).

    Examples
    --------
    >>> c = sp.Symbol("c", positive=True)
    >>> derive_reparam(c * sp.Abs(W))
    -2/(C1 + c*w**2)
    """
    check_choice(time, "time", ("continuous", "discrete"))
    if sign not in (1, -1):
        raise ValueError(f"sign must be 1 or -1; got {sign!r}")
    lam = sp.Symbol("lam") if lam is None else lam
    wp = sp.Symbol("w", positive=True)
    F = sp.Function("f")
    G = law(W, lam) if callable(law) else sp.sympify(law)
    if not isinstance(G, sp.Expr):
        raise TypeError(f"law must be a sympy expression or callable; got {type(law).__name__}")
    G = G.subs(W, wp).subs(lam, F(wp))
    G = G.replace(sp.Abs, lambda x: x)  # on w > 0 with f of fixed sign, |.| is handled by `sign`
    d = -F(wp) if time == "continuous" else 1 - F(wp)
    ode = sp.Eq(F(wp).diff(wp), sign * G * d**2)
    sol = sp.dsolve(ode)
    sols = sol if isinstance(sol, list) else [sol]
    out = [s.rhs for s in sols]
    if time == "continuous":
        # the stable branch: f < 0 for large C1
        out = [e for e in out if not e.has(sp.I)]
    res = sp.simplify(out[0]).subs(wp, W)
    return res
