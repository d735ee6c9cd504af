"""Symbolic closed forms for the curse of memory (sympy).

Generating functions ``f(lam1, lam2) = E[g(lam1) g(lam2)]`` of the unnormalized state
``g(lam)_t = sum_k lam^k x_{t-k}`` for white, AR(1) and constant inputs, stationary and at a
finite step T; the cross moment of sensitivities ``S = d^2 f / (d lam1 d lam2)``; the second
moments ``E[h^2]`` and ``E[(dh/dp)^2]`` for ``p in {lam, nu=|lam|, theta=arg lam}`` and for a
reparameterization ``lam = f(omega)`` (chain rule), in both normalization modes; and
asymptotic exponents as ``|lam| -> 1``.

This module imports sympy; it is never imported by ``import linrec`` or ``linrec.memory``
(use ``import linrec.memory.symbolic``).

References
----------
N. Zucchet and A. Orvieto, "Recurrent neural networks: vanishing and exploding gradients are
not the end of the story", NeurIPS 2024 (arXiv:2405.21064), Sec. 3 and appendix.
"""

from __future__ import annotations

from typing import Any

import sympy as sp

__all__ = [
    "LAM",
    "LAM1",
    "LAM2",
    "RHO",
    "NU",
    "THETA",
    "OMEGA",
    "DELTA",
    "generating_function",
    "cross_sensitivity",
    "state_moment",
    "sensitivity",
    "asymptotic_exponent",
    "leading_coefficient",
    "limit_at",
]

LAM, LAM1, LAM2 = sp.symbols("lambda lambda_1 lambda_2")
RHO = sp.Symbol("rho", nonnegative=True)
NU = sp.Symbol("nu", positive=True)
THETA = sp.Symbol("theta", real=True)
OMEGA = sp.Symbol("omega", real=True)
DELTA = sp.Symbol("delta", positive=True)

_NORMALIZATIONS = (None, "function", "independent")


def _check_rho(rho: Any) -> Any:
    if rho is None:
        return None
    r = sp.sympify(rho)
    if r.is_number and not (0 <= r <= 1):
        raise ValueError(f"rho must lie in [0, 1]; got {rho}")
    return r


def _check_T(T: Any) -> Any:
    if T is None:
        return None
    t = sp.sympify(T)
    if t.is_number and (not t.is_integer or t < 1):
        raise ValueError(f"T must be an integer >= 1 (or a symbol); got {T}")
    return t


def generating_function(lam1: Any = LAM1, lam2: Any = LAM2, rho: Any = None, T: Any = None) -> sp.Expr:
    """Generating function ``f(lam1, lam2) = E[g(lam1) g(lam2)]`` for an AR(1)/white/constant input.

    Parameters
    ----------
    lam1, lam2 : sympy expression, optional
        Eigenvalues (default the symbols ``LAM1``, ``LAM2``).
    rho : sympy expression, number or list of pairs, optional
        Input correlation ``R(Delta) = rho^|Delta|`` in [0, 1]; None for white noise, 1 for a
        constant input; or a list of ``(weight, rho)`` pairs for the mixture
        ``sum_j a_j rho_j^|Delta|`` (``rho_j = None`` or 0 is a white part). The other functions
        of this module accept the same forms.
    T : int or sympy symbol, optional
        None for the stationary state; otherwise the state ``g_T`` at step T from ``g_0 = 0``.

    Returns
    -------
    sympy.Expr
        The closed form.

    Notes
    -----
    Stationary: white ``1/(1 - lam1 lam2)``; AR(1) ``(1 - rho^2 lam1 lam2)/((1 - lam1
    lam2)(1 - rho lam1)(1 - rho lam2))``; constant ``1/((1-lam1)(1-lam2))``. Finite T, with
    ``q = lam1 lam2``, ``a = rho lam1``, ``b = rho lam2``, ``G = (1 - q^T)/(1 - q)``:
    ``f_T = G + a/(1-a) [G - (a^T - q^T)/(a - q)] + b/(1-b) [G - (b^T - q^T)/(b - q)]``
    (diagonal, ``k > l`` and ``k < l`` parts of ``sum_{k,l<T} lam1^k lam2^l rho^|k-l|``);
    constant input ``(1 - lam1^T)(1 - lam2^T)/((1 - lam1)(1 - lam2))``.

    References
    ----------
    Zucchet & Orvieto (2024), Sec. 3 and appendix (correlated inputs).

    Examples
    --------
    >>> generating_function()
    1/(-lambda_1*lambda_2 + 1)
    >>> sp.simplify(generating_function(rho=1) - 1 / ((1 - LAM1) * (1 - LAM2)))
    0
    >>> generating_function(0, 0, rho=[(2, None), (1, sp.Rational(1, 2))])   # R(0) = 3
    3
    """
    lam1, lam2 = sp.sympify(lam1), sp.sympify(lam2)
    if isinstance(rho, (list, tuple)):  # mixture sum_j a_j rho_j^|Delta| (+ white parts): f is linear in R
        if not rho:
            raise ValueError("rho as a mixture must be a non-empty list of (weight, rho) pairs")
        return sp.Add(*[sp.sympify(a) * generating_function(lam1, lam2, r, T) for a, r in rho])
    rho = _check_rho(rho)
    T = _check_T(T)
    q = lam1 * lam2
    if rho is not None and rho == 1:
        if T is None:
            return 1 / ((1 - lam1) * (1 - lam2))
        return (1 - lam1**T) * (1 - lam2**T) / ((1 - lam1) * (1 - lam2))
    if T is None:
        if rho is None or rho == 0:
            return 1 / (1 - q)
        return (1 - rho**2 * q) / ((1 - q) * (1 - rho * lam1) * (1 - rho * lam2))
    G = (1 - q**T) / (1 - q)
    if rho is None or rho == 0:
        return G
    a, b = rho * lam1, rho * lam2
    return (G + a / (1 - a) * (G - (a**T - q**T) / (a - q)) + b / (1 - b) * (G - (b**T - q**T) / (b - q)))


def cross_sensitivity(lam1: Any = LAM1, lam2: Any = LAM2, rho: Any = None, T: Any = None) -> sp.Expr:
    """Cross moment of sensitivities ``S(lam1, lam2) = d^2 f/(d lam1 d lam2) = E[g'(lam1) g'(lam2)]``.

    Parameters
    ----------
    lam1, lam2 : sympy expression, optional
        Eigenvalues (symbols by default; expressions are substituted after differentiating).
    rho : sympy expression or number, optional
        Input correlation (None: white, 1: constant).
    T : int or sympy symbol, optional
        Finite step or None for stationary.

    Returns
    -------
    sympy.Expr
        ``S`` (not simplified).

    Notes
    -----
    ``S = d^2/(d lam1 d lam2) f(lam1, lam2)``; white stationary ``S = (1 + lam1 lam2)/(1 -
    lam1 lam2)^3``, so ``E[(dg/dlam)^2] = (1 + lam^2)/(1 - lam^2)^3``.

    References
    ----------
    Zucchet & Orvieto (2024), Sec. 3 (sensitivity of the state to lambda, white noise).

    Examples
    --------
    >>> sp.factor(cross_sensitivity(LAM, LAM))
    -(lambda**2 + 1)/((lambda - 1)**3*(lambda + 1)**3)
    """
    f = generating_function(LAM1, LAM2, rho, T)
    S = sp.diff(f, LAM1, LAM2)
    return S.subs({LAM1: lam1, LAM2: lam2}, simultaneous=True)


def _pieces(rho: Any, T: Any):
    f = generating_function(LAM1, LAM2, rho, T)
    return f, sp.diff(f, LAM1), sp.diff(f, LAM2), sp.diff(f, LAM1, LAM2)


def _at(expr: sp.Expr, l1: Any, l2: Any) -> sp.Expr:
    return expr.subs({LAM1: l1, LAM2: l2}, simultaneous=True)


_Z = sp.Symbol("z", nonzero=True)  # stands for exp(i theta); its conjugate is 1/z


def _conj(expr: sp.Expr) -> sp.Expr:
    """Complex conjugate of a rational expression in real symbols, I and z = exp(i theta)."""
    return expr.xreplace({sp.I: -sp.I, _Z: 1 / _Z})


def _coords(param: str, reparam: Any) -> tuple[sp.Expr, sp.Expr, sp.Expr, bool]:
    """(lambda, d lambda/dp, |lambda|^2, is_complex) with z = exp(i theta) kept symbolic."""
    if param == "lam":
        return LAM, sp.Integer(1), LAM**2, False
    if param == "nu":
        return NU * _Z, _Z, NU**2, True
    if param == "theta":
        return NU * _Z, sp.I * NU * _Z, NU**2, True
    if param == "omega":
        lam = sp.exp(-sp.exp(OMEGA)) if reparam is None else sp.sympify(reparam)
        return lam, sp.diff(lam, OMEGA), lam**2, False
    raise ValueError(f"param must be one of 'lam', 'nu', 'theta', 'omega'; got {param!r}")


def _finish(expr: sp.Expr, cplx: bool) -> sp.Expr:
    return expr.subs(_Z, sp.exp(sp.I * THETA)) if cplx else expr


def state_moment(param: str = "lam", rho: Any = None, T: Any = None, normalization: str | None = None,
                 reparam: Any = None) -> sp.Expr:
    """``E[(Re h)^2]`` with ``h = gamma g(lam)`` as an expression of the chosen coordinates.

    Parameters
    ----------
    param : {'lam', 'nu', 'theta', 'omega'}, optional
        Coordinates: real ``LAM``; complex ``NU exp(i THETA)`` ('nu' or 'theta'); or
        ``lam = reparam(OMEGA)`` ('omega').
    rho : sympy expression or number, optional
        Input correlation (None: white, 1: constant).
    T : int or sympy symbol, optional
        Finite step or None (stationary).
    normalization : {None, 'function', 'independent'}, optional
        Multiply the input by ``gamma = sqrt(1 - |lam|^2)`` (same moment in both modes).
    reparam : sympy expression in OMEGA, optional
        The map for ``param='omega'`` (default ``exp(-exp(omega))``).

    Returns
    -------
    sympy.Expr
        The moment (for complex lam an unsimplified expression in ``NU`` and
        ``exp(i THETA)`` whose value is real).

    Notes
    -----
    Real lam: ``gamma^2 f(lam, lam)``; complex: ``gamma^2/2 Re(f(lam, lam) + f(lam, conj
    lam))`` (real-output rule), with ``Re F = (F + conj F)/2`` taken on the rational form in
    ``z = exp(i theta)`` (``conj z = 1/z``).

    References
    ----------
    Zucchet & Orvieto (2024), Sec. 3 (state moment; normalization).

    Examples
    --------
    >>> state_moment()
    1/(1 - lambda**2)
    >>> sp.simplify(state_moment(normalization="function"))
    1
    >>> round(float(state_moment("nu").subs({NU: 0.5, THETA: 0})), 6)
    1.333333
    """
    if normalization not in _NORMALIZATIONS:
        raise ValueError(f"normalization must be None, 'function' or 'independent'; got {normalization!r}")
    lam, _, mod2, cplx = _coords(param, reparam)
    f = generating_function(LAM1, LAM2, rho, T)
    g2 = 1 if normalization is None else 1 - mod2
    if not cplx:
        return g2 * _at(f, lam, lam)
    lamc = _conj(lam)
    m = (_at(f, lam, lam) + _at(f, lam, lamc)) / 2
    return _finish(g2 * (m + _conj(m)) / 2, True)


def sensitivity(param: str = "lam", rho: Any = None, T: Any = None, normalization: str | None = None,
                reparam: Any = None) -> sp.Expr:
    """``E[(d Re h / d p)^2]`` for ``h = gamma g(lam)`` and a real parameter p (chain rule).

    Parameters
    ----------
    param : {'lam', 'nu', 'theta', 'omega'}, optional
        The parameter: real ``LAM``; modulus ``NU`` or angle ``THETA`` of
        ``lam = NU exp(i THETA)``; or ``OMEGA`` with ``lam = reparam(OMEGA)``.
    rho : sympy expression or number, optional
        Input correlation (None: white, 1: constant).
    T : int or sympy symbol, optional
        Finite step or None (stationary).
    normalization : {None, 'function', 'independent'}, optional
        ``gamma = sqrt(1 - |lam|^2)`` differentiated along with lam ('function') or held fixed
        ('independent', the LRU's separate gamma); None: ``gamma = 1``.
    reparam : sympy expression in OMEGA, optional
        The map for ``param='omega'`` (default ``exp(-exp(omega))``).

    Returns
    -------
    sympy.Expr
        The sensitivity (complex lam: an unsimplified real-valued expression in ``NU`` and
        ``exp(i THETA)``).

    Notes
    -----
    ``u = dh/dp = gamma_p g + gamma lam_p g'``; with ``f, f_1, f_2, S`` the generating function
    and its derivatives, ``E[uu] = gamma_p^2 f + 2 gamma_p gamma lam_p f_2 + gamma^2 lam_p^2 S``
    at (lam, lam), ``E[u conj u] = gamma_p^2 f + gamma_p gamma (conj(lam_p) f_2 + lam_p f_1) +
    gamma^2 |lam_p|^2 S`` at (lam, conj lam), and the real output takes
    ``1/2 Re(E[uu] + E[u conj u])``. White noise: ``(1 + lam^2)/(1 - lam^2)^3``.

    References
    ----------
    Zucchet & Orvieto (2024), Sec. 3 (white-noise sensitivity; normalization and
    reparameterization).

    Examples
    --------
    >>> sp.factor(sensitivity())
    -(lambda**2 + 1)/((lambda - 1)**3*(lambda + 1)**3)
    """
    if normalization not in _NORMALIZATIONS:
        raise ValueError(f"normalization must be None, 'function' or 'independent'; got {normalization!r}")
    lam, lam_p, mod2, cplx = _coords(param, reparam)
    f, f1, f2, S = _pieces(rho, T)
    p = {"lam": LAM, "nu": NU, "theta": THETA, "omega": OMEGA}[param]
    if normalization is None:
        gamma, gamma_p = sp.Integer(1), sp.Integer(0)
    else:
        gamma = sp.sqrt(1 - mod2)
        gamma_p = sp.diff(gamma, p) if normalization == "function" else sp.Integer(0)
    uu = gamma_p**2 * _at(f, lam, lam) + 2 * gamma_p * gamma * lam_p * _at(f2, lam, lam) \
        + gamma**2 * lam_p**2 * _at(S, lam, lam)
    if not cplx:
        return uu
    lamc, lam_pc = _conj(lam), _conj(lam_p)
    uc = gamma_p**2 * _at(f, lam, lamc) + gamma_p * gamma * (lam_pc * _at(f2, lam, lamc) + lam_p * _at(f1, lam, lamc)) \
        + gamma**2 * lam_p * lam_pc * _at(S, lam, lamc)
    m = (uu + uc) / 2
    return _finish((m + _conj(m)) / 2, True)


def _gap_sub(expr: sp.Expr, var: sp.Symbol, at: Any) -> sp.Expr:
    return expr.subs(var, at - DELTA)


def asymptotic_exponent(expr: sp.Expr, var: sp.Symbol = LAM, at: Any = 1) -> sp.Expr:
    """Exponent ``alpha`` with ``expr ~ C (at - var)^alpha`` as ``var -> at`` from below.

    Parameters
    ----------
    expr : sympy.Expr
        Positive expression near ``var = at``.
    var : sympy.Symbol, optional
        Variable (default ``LAM``; use ``NU`` for complex moduli).
    at : number, optional
        Limit point (default 1).

    Returns
    -------
    sympy.Expr
        ``alpha = lim_{delta -> 0+} delta d/d delta log expr(at - delta)`` (the log-log slope
        against the gap ``delta = at - var``).

    Notes
    -----
    For ``expr ~ C delta^alpha`` the logarithmic derivative ``delta (d/d delta) log expr``
    tends to ``alpha``; computed with ``sympy.limit``.

    References
    ----------
    Zucchet & Orvieto (2024), Sec. 3 (scaling of the sensitivity as lambda -> 1).

    Examples
    --------
    >>> asymptotic_exponent(sensitivity())
    -3
    >>> asymptotic_exponent(sensitivity(rho=1))
    -4
    """
    e = _gap_sub(sp.sympify(expr), var, at)
    slope = sp.cancel(sp.together(DELTA * sp.diff(e, DELTA) / e))
    return sp.simplify(sp.limit(slope, DELTA, 0, "+"))


def leading_coefficient(expr: sp.Expr, var: sp.Symbol = LAM, at: Any = 1) -> sp.Expr:
    """Constant ``C`` in ``expr ~ C (at - var)^alpha`` as ``var -> at`` from below.

    Parameters
    ----------
    expr : sympy.Expr
        Positive expression.
    var : sympy.Symbol, optional
        Variable (default ``LAM``).
    at : number, optional
        Limit point (default 1).

    Returns
    -------
    sympy.Expr
        ``C = lim_{delta -> 0+} expr(at - delta) / delta^alpha`` with ``alpha`` from
        :func:`asymptotic_exponent`.

    Notes
    -----
    White noise: ``E[(dg/dlam)^2] = (1 + lam^2)/(1 - lam^2)^3 ~ (1/4) (1 - lam)^-3``.

    References
    ----------
    Zucchet & Orvieto (2024), Sec. 3.

    Examples
    --------
    >>> leading_coefficient(sensitivity())
    1/4
    """
    alpha = asymptotic_exponent(expr, var, at)
    e = _gap_sub(sp.sympify(expr), var, at)
    return sp.factor(sp.simplify(sp.limit(sp.simplify(e / DELTA**alpha), DELTA, 0, "+")))


def limit_at(expr: sp.Expr, var: sp.Symbol = OMEGA, to: Any = -sp.oo) -> sp.Expr:
    """Limit of ``expr`` as ``var -> to`` (e.g. the exp reparameterization's ``omega -> -oo``).

    Parameters
    ----------
    expr : sympy.Expr
        Expression.
    var : sympy.Symbol, optional
        Variable (default ``OMEGA``).
    to : sympy expression, optional
        Limit point (default ``-oo``, where ``exp(-exp(omega)) -> 1``).

    Returns
    -------
    sympy.Expr
        The limit; for ``to = -oo`` computed via ``omega = log(delta)``, ``delta -> 0+``.

    Notes
    -----
    With ``lam = exp(-exp(omega))`` the gap is ``1 - lam ~ exp(omega) = delta``; the
    normalized white-noise sensitivity tends to 1/2 (independent gamma) and 1/4 (gamma a
    function of lam).

    References
    ----------
    Zucchet & Orvieto (2024), Sec. 3 (exponential parameterization keeps the
    normalized sensitivity bounded).

    Examples
    --------
    >>> limit_at(sensitivity("omega", normalization="independent"))
    1/2
    >>> limit_at(sensitivity("omega", normalization="function"))
    1/4
    """
    e = sp.sympify(expr)
    if to == -sp.oo:
        e = sp.simplify(e.subs(var, sp.log(DELTA)))
        return sp.factor(sp.simplify(sp.limit(e, DELTA, 0, "+")))
    return sp.limit(e, var, to)
