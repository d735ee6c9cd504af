"""Closed forms of A^n from the Jordan form (sympy), the growth class of ||A^n||, transients.

Exact for rational and algebraic entries (sympy's ``jordan_form``), including defective and
complex cases. Imported explicitly (``import linrec.growth.symbolic``); importing
:mod:`linrec.growth` does not import sympy.

Floats are converted to the exact rationals they denote (``nsimplify(rational=True)``), so a
float matrix is treated exactly, and the cost is bounded before any expensive sympy call:

- at most ``max_size`` rows (default :data:`MAX_SYMBOLIC_SIZE` = 8; 4 for irrational entries);
- the characteristic polynomial is factored over the rationals first (fast). A Jordan form with
  radicals is computed only when every irreducible factor has degree <= 2 (roots by the
  quadratic formula). A random float matrix has an irreducible cubic or higher factor; then
  :func:`power_closed_form` refuses with a ValueError pointing to the numeric functions, and
  :func:`growth_class` decides rho and the Jordan-block size k exactly without radicals:
  moduli of the roots (sympy ``CRootOf``), block sizes from ranks of f(A)^j over the
  rationals (for an irreducible factor f of degree d, the number of Jordan blocks of size >= j
  at each root of f is (rank f(A)^(j-1) - rank f(A)^j) / d).

Every remaining sympy failure is re-raised as a ValueError naming the argument.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy as sp

from linrec._validation import check_in_range

try:  # sympy >= 1.13
    from sympy.matrices.exceptions import MatrixError
except ImportError:  # sympy 1.12 (the floor)
    from sympy.matrices.common import MatrixError

__all__ = [
    "MAX_SYMBOLIC_SIZE",
    "PowerClosedForm",
    "power_closed_form",
    "GrowthClass",
    "growth_class",
    "jordan2_transient_peak",
]

N_SYMBOL = sp.Symbol("n", integer=True, nonnegative=True)

#: Largest matrix size the symbolic functions accept by default (rational entries).
MAX_SYMBOLIC_SIZE = 8
#: Largest size for entries that are not all rational (algebraic numbers): no factor guard.
MAX_ALGEBRAIC_SIZE = 4
_NUMERIC_HINT = ("use the numeric functions instead: linrec.growth.power_norms (||A^n|| for many n), "
                 "linrec.growth.spectral_radius, linrec.growth.kreiss_constant")
_X = sp.Symbol("x")


def _check_size(M: sp.Matrix, max_size: int, name: str = "A") -> None:
    if isinstance(max_size, bool) or not isinstance(max_size, (int, np.integer)):
        raise TypeError(f"max_size must be an int; got {type(max_size).__name__}")
    if max_size < 1:
        raise ValueError(f"max_size must be >= 1; got {max_size}")
    rational = all(v.is_Rational for v in M)
    limit = max_size if rational else min(max_size, MAX_ALGEBRAIC_SIZE)
    if M.rows > limit:
        kind = "rational" if rational else "irrational (algebraic)"
        raise ValueError(
            f"{name} is {M.rows}x{M.rows} with {kind} entries: the exact symbolic functions accept at most "
            f"{limit}x{limit} (max_size={max_size}); {_NUMERIC_HINT}")


def _rational_factors(M: sp.Matrix) -> list[tuple[sp.Poly, int]] | None:
    """Irreducible factors over QQ of the characteristic polynomial with multiplicities, or
    None when an entry is not rational (the factorization would need an algebraic field)."""
    if not all(v.is_Rational for v in M):
        return None
    p = M.charpoly(_X)  # Berkowitz: division-free, polynomial cost in N
    _, factors = sp.Poly(p.as_expr(), _X, domain="QQ").factor_list()
    return [(f, m) for f, m in factors]


def _wrap_sympy(exc: Exception, name: str = "A") -> ValueError:
    return ValueError(f"sympy could not treat {name} exactly ({type(exc).__name__}: {exc}); {_NUMERIC_HINT}")


def _as_sympy_matrix(A: Any, name: str = "A") -> sp.Matrix:
    if isinstance(A, sp.MatrixBase):
        M = sp.Matrix(A)
    else:
        arr = np.asarray(A, dtype=object)
        if arr.ndim != 2:
            raise ValueError(f"{name} must be a 2-D matrix; got shape {arr.shape}")
        if arr.size == 0:
            raise ValueError(f"{name} must have at least 1 element; got shape {arr.shape}")
        try:
            M = sp.Matrix([[sp.nsimplify(v, rational=True) if isinstance(v, float) else sp.sympify(v)
                            for v in row] for row in arr.tolist()])
        except (sp.SympifyError, TypeError, ValueError) as exc:
            raise TypeError(f"{name} must contain numbers or sympy expressions: {exc}") from exc
    if M.rows == 0 or M.cols == 0:
        raise ValueError(f"{name} must have at least 1 element; got shape {M.shape}")
    if M.rows != M.cols:
        raise ValueError(f"{name} must be square; got shape {M.shape}")
    if M.free_symbols:
        raise ValueError(f"{name} must have numeric (rational/algebraic) entries; got symbols {M.free_symbols}")
    if any(v.has(sp.nan, sp.oo, -sp.oo, sp.zoo) for v in M):
        raise ValueError(f"{name} must be finite; it contains nan or infinity")
    return M


def _blocks(J: sp.Matrix) -> list[tuple[int, int, Any]]:
    """(start, size, eigenvalue) of each Jordan block of a Jordan matrix."""
    out = []
    m = J.rows
    i = 0
    while i < m:
        s = 1
        while i + s < m and J[i + s - 1, i + s] == 1 and J[i + s, i + s] == J[i, i]:
            s += 1
        out.append((i, s, J[i, i]))
        i += s
    return out


def _jordan_power(J: sp.Matrix, n: sp.Symbol) -> sp.Matrix:
    m = J.rows
    Jn = sp.zeros(m, m)
    for start, size, lam in _blocks(J):
        for r in range(size):
            for j in range(size - r):
                if lam == 0:
                    val = sp.Piecewise((1, sp.Eq(n, j)), (0, True))
                else:
                    val = sp.binomial(n, j) * lam ** (n - j)
                Jn[start + r, start + r + j] = val
    return Jn


@dataclass(frozen=True)
class PowerClosedForm:
    """A^n in closed form (see :func:`power_closed_form`).

    Attributes
    ----------
    expr : sympy.Matrix
        A^n as a matrix of expressions in the integer symbol ``n`` (valid for all n >= 0).
    n : sympy.Symbol
        The exponent symbol.
    P : sympy.Matrix
        Jordan basis, A = P J P^-1.
    J : sympy.Matrix
        Jordan form.
    numeric : callable
        ``numeric(n)`` -> complex ndarray of shape (N, N) (or (len(n), N, N) for an array):
        the lambdified closed form, evaluated in float64/complex128.
    """

    expr: sp.Matrix
    n: sp.Symbol
    P: sp.Matrix
    J: sp.Matrix
    numeric: Callable[[Any], np.ndarray]


def power_closed_form(A, *, max_size: int = MAX_SYMBOLIC_SIZE):
    """Closed form of A^n for a symbolic integer n, from the Jordan form.

    Parameters
    ----------
    A : array_like or sympy.Matrix, shape (N, N)
        Matrix with rational or algebraic entries (floats are converted to the exact rationals
        they denote by ``nsimplify``; pass ``sympy.Rational`` to say which rational you mean).
    max_size : int, optional
        Largest accepted N (default 8; at most 4 for irrational entries).

    Returns
    -------
    PowerClosedForm
        The closed form (``expr``), the symbol ``n``, the Jordan decomposition and a
        lambdified numeric evaluator.

    Raises
    ------
    ValueError
        If N exceeds ``max_size``, or the characteristic polynomial has an irreducible factor
        over the rationals of degree >= 3 (its roots have no bounded-cost radical form: a
        random float matrix is such a case), or sympy fails; the message names the numeric
        alternative.

    Notes
    -----
    A = P J P^-1 with J = diag(J_{m_1}(lambda_1), ...), so A^n = P J^n P^-1 and, for a block
    of size m, (J_m(lambda)^n)_{r, r+j} = binom(n, j) lambda^(n-j) for 0 <= j < m (binomial
    theorem on lambda I + N with N^m = 0). For lambda = 0 the entry is [n = j] (Kronecker
    delta). binom(n, j) = 0 for integer 0 <= n < j, so the formula is valid for every n >= 0.

    References
    ----------
    R. A. Horn and C. R. Johnson, "Matrix Analysis", 2nd ed., Cambridge 2013, Sec. 3.1-3.2
    (Jordan form; powers of a Jordan block, Eq. (3.2.5)). L. N. Trefethen and M. Embree,
    "Spectra and Pseudospectra", Princeton 2005, Ch. 16.

    Examples
    --------
    >>> cf = power_closed_form([[sp.Rational(1, 2), 1], [0, sp.Rational(1, 2)]])
    >>> cf.expr[0, 1]
    2*n/2**n
    >>> sp.simplify(cf.expr[0, 1] - cf.n * sp.Rational(1, 2) ** (cf.n - 1))
    0
    >>> float(abs(cf.numeric(3)[0, 1]))      # 3 (1/2)^2
    0.75
    """
    M = _as_sympy_matrix(A)
    _check_size(M, max_size)
    factors = _rational_factors(M)
    if factors is not None:
        high = [f for f, _ in factors if f.degree() >= 3]
        if high:
            raise ValueError(
                f"A's characteristic polynomial has an irreducible factor of degree {high[0].degree()} over the "
                "rationals (e.g. any random float matrix): its eigenvalues have no bounded-cost closed form in "
                f"radicals, so no closed form of A^n is attempted (growth_class(A) still gives the exact growth "
                f"class); {_NUMERIC_HINT}")
    n = N_SYMBOL
    try:
        P, J = M.jordan_form()
        expr = P * _jordan_power(J, n) * P.inv()
    except (MatrixError, NotImplementedError, ZeroDivisionError) as exc:
        raise _wrap_sympy(exc) from exc
    expr = expr.applyfunc(lambda e: sp.expand(e) if not e.has(sp.Piecewise) else e)
    f = sp.lambdify(n, expr, modules=["scipy", "numpy"])
    N = M.rows

    def numeric(nv):
        arr = np.asarray(nv)
        if arr.dtype.kind not in "iu" or np.any(arr < 0):
            raise ValueError("n must be a non-negative integer or an array of them")
        vals = [np.asarray(f(complex(int(k))), dtype=np.complex128).reshape(N, N) for k in arr.ravel()]
        out = np.array(vals)
        return out[0] if arr.ndim == 0 else out.reshape(arr.shape + (N, N))

    return PowerClosedForm(expr=expr, n=n, P=P, J=J, numeric=numeric)


@dataclass(frozen=True)
class GrowthClass:
    """Growth class ||A^n|| = Theta(n^(k-1) rho^n) (see :func:`growth_class`).

    Attributes
    ----------
    rho : sympy.Expr
        Spectral radius (exact).
    k : int
        Size of the largest Jordan block among eigenvalues of modulus rho (0 if A is
        nilpotent: A^n = 0 for n >= index).
    coefficient : sympy.Expr or None
        C = lim ||A^n||_2 / (n^(k-1) rho^n) when the limit exists, else None (the ratio
        oscillates).
    index : int
        For nilpotent A, the smallest m with A^m = 0 (else 0).
    oscillation : tuple of float
        (liminf, limsup) of ||A^n||_2 / (n^(k-1) rho^n), equal when the limit exists
        (estimated from 4096 phase samples when several eigenvalues lie on |lambda| = rho).
    """

    rho: Any
    k: int
    coefficient: Any
    index: int
    oscillation: tuple[float, float]


def _exact_modulus(f: sp.Poly, z: complex, approx: Any) -> Any:
    """|r| for the exact root r (sympy CRootOf) of the irreducible f nearest z, found from the
    roots' isolating intervals (no high-precision refinement); the 60-digit value if the
    intervals do not separate z."""
    hits = []
    for r in f.all_roots(radicals=False):
        iv = r._get_interval()
        if hasattr(iv, "ax"):
            inside = float(iv.ax) <= z.real <= float(iv.bx) and float(iv.ay) <= z.imag <= float(iv.by)
        else:
            inside = abs(z.imag) < 1e-30 * max(1.0, abs(z.real)) and float(iv.a) <= z.real <= float(iv.b)
        if inside:
            hits.append(r)
    return sp.Abs(hits[0]) if len(hits) == 1 else approx


def _growth_class_by_ranks(M: sp.Matrix, factors: list[tuple[sp.Poly, int]]) -> GrowthClass:
    """rho and k without radicals: root moduli of the irreducible factors, block sizes by ranks."""
    N = M.rows
    cands = []
    for f, mult in factors:
        # moduli from mpmath's polynomial roots at 60 digits (fast); evaluating sympy's exact
        # CRootOf objects to that precision costs tens of seconds for float-sized coefficients
        for r in f.nroots(n=60, maxsteps=200):
            cands.append((f, mult, complex(r), sp.Abs(r)))
    top = max(c[3] for c in cands)
    if top == 0:
        P = M
        for m in range(1, N + 1):
            if P.is_zero_matrix:
                return GrowthClass(rho=sp.Integer(0), k=0, coefficient=sp.Integer(0), index=m, oscillation=(0.0, 0.0))
            P = P * M
    on_circle = [c for c in cands if abs(c[3] - top) <= sp.Float(10) ** -50 * top]
    k = 0
    for f, mult, _, _ in {id(c[0]): c for c in on_circle}.values():
        d = f.degree()
        coeffs = f.all_coeffs()  # Horner: f(M) over the rationals
        F = sp.zeros(N, N)
        for c in coeffs:
            F = F * M + c * sp.eye(N)
        ranks, Fj = [N], sp.eye(N)
        for _ in range(mult):
            Fj = Fj * F
            ranks.append(Fj.rank())
        sizes = [j for j in range(1, mult + 1) if (ranks[j - 1] - ranks[j]) // d > 0]
        k = max(k, max(sizes))
    rho = _exact_modulus(on_circle[0][0], on_circle[0][2], on_circle[0][3])
    nan = float("nan")
    return GrowthClass(rho=rho, k=k, coefficient=None, index=0, oscillation=(nan, nan))


def growth_class(A, *, max_size: int = MAX_SYMBOLIC_SIZE):
    """Growth class of ||A^n||_2: Theta(n^(k-1) rho^n) with its leading coefficient.

    Parameters
    ----------
    A : array_like or sympy.Matrix, shape (N, N)
        Matrix with rational or algebraic entries (floats are the exact rationals they denote).
    max_size : int, optional
        Largest accepted N (default 8; at most 4 for irrational entries).

    Returns
    -------
    GrowthClass
        rho, k, the leading coefficient (or None) and the nilpotency index. When the
        characteristic polynomial has an irreducible factor of degree >= 3 over the rationals
        (any random float matrix), rho (exact, a modulus of a ``CRootOf``) and k are decided
        without radicals (see the module docstring: block sizes from ranks of f(A)^j); the
        coefficient is then None and ``oscillation`` is (nan, nan): not computed (use
        :func:`linrec.growth.power_norms` for the constant).

    Raises
    ------
    ValueError
        If N exceeds ``max_size`` or sympy fails (the message names the numeric alternative).

    Notes
    -----
    From the closed form, A^n = sum over blocks of P J_m(lambda)^n P^-1; the fastest entries
    are binom(n, m-1) lambda^(n-m+1) ~ n^(m-1) lambda^(n-m+1)/(m-1)!. With k the largest block
    size at |lambda| = rho and a single such eigenvalue lambda*,
    A^n / (n^(k-1) rho^n) - e^{i n arg lambda*} G -> 0 with
    G = sum_{blocks of size k at lambda*} p_first q_last^T / (lambda*^(k-1) (k-1)!)
    (p_first the first column of the block in P, q_last the last row of the block in P^-1),
    so C = ||G||_2 (exact for rank-one G: ||p|| ||q|| / (rho^(k-1) (k-1)!)). With several
    eigenvalues lambda_j = rho e^{i phi_j} carrying blocks of size k the ratio is the
    quasi-periodic ||sum_j e^{i n phi_j} G_j|| / (rho^(k-1) (k-1)!); it is sampled at
    n = 0..4095 and reported as ``oscillation``; ``coefficient`` is returned (as a float)
    only when the samples agree to 1e-10 (e.g. normal matrices, where it equals 1).

    References
    ----------
    L. N. Trefethen and M. Embree, "Spectra and Pseudospectra", Princeton 2005, Ch. 16
    (asymptotic behaviour of ||A^n||). R. A. Horn and C. R. Johnson, "Matrix Analysis",
    2nd ed., Cambridge 2013, Sec. 3.2.

    Examples
    --------
    >>> g = growth_class([[sp.Rational(1, 2), 1], [0, sp.Rational(1, 2)]])
    >>> g.rho, g.k, g.coefficient          # ||A^n|| ~ 2 n (1/2)^n
    (1/2, 2, 2)
    >>> growth_class([[0, 1], [0, 0]]).index
    2
    """
    M = _as_sympy_matrix(A)
    _check_size(M, max_size)
    factors = _rational_factors(M)
    if factors is not None and any(f.degree() >= 3 for f, _ in factors):
        try:
            return _growth_class_by_ranks(M, factors)
        except (MatrixError, NotImplementedError, ZeroDivisionError) as exc:
            raise _wrap_sympy(exc) from exc
    try:
        P, J = M.jordan_form()
    except (MatrixError, NotImplementedError, ZeroDivisionError) as exc:
        raise _wrap_sympy(exc) from exc
    blocks = _blocks(J)
    mods = [sp.nsimplify(sp.Abs(lam)) if lam.is_number else sp.Abs(lam) for _, _, lam in blocks]
    mods = [sp.simplify(m) for m in mods]
    rho = max(mods, key=lambda m: float(sp.N(m, 30)))
    if rho == 0:
        index = max(s for _, s, _ in blocks)
        return GrowthClass(rho=sp.Integer(0), k=0, coefficient=sp.Integer(0), index=index, oscillation=(0.0, 0.0))
    on_circle = [(b, lam) for b, m in zip(blocks, mods) if sp.N(m - rho, 50) == 0 or sp.simplify(m - rho) == 0
                 for lam in [b[2]]]
    k = max(b[1] for b, _ in on_circle)
    top = [(b, lam) for b, lam in on_circle if b[1] == k]
    Pinv = P.inv()
    scale = sp.Abs(rho) ** (k - 1) * sp.factorial(k - 1)
    lams = sorted({sp.simplify(lam) for _, lam in top}, key=sp.default_sort_key)
    if len(lams) == 1:
        lam = lams[0]
        G = sp.zeros(M.rows, M.rows)
        for (start, size, _), _ in top:
            G += P[:, start] * Pinv[start + size - 1, :]
        if len(top) == 1:
            p, q = P[:, top[0][0][0]], Pinv[top[0][0][0] + k - 1, :]
            nrm = sp.sqrt(sum(sp.Abs(v) ** 2 for v in p)) * sp.sqrt(sum(sp.Abs(v) ** 2 for v in q))
            coef = sp.nsimplify(sp.simplify(nrm / scale))
        else:
            coef = sp.Float(float(np.linalg.norm(np.array(G.evalf(30), dtype=complex), 2)), 15) / sp.N(scale, 15)
        c = float(sp.N(coef, 20))
        return GrowthClass(rho=rho, k=k, coefficient=coef, index=0, oscillation=(c, c))
    # several eigenvalues on the circle: ratio = ||sum_j e^{i n phi_j} G_j|| / scale, quasi-periodic
    Gs = []
    for lam in lams:
        G = sp.zeros(M.rows, M.rows)
        for (start, size, _), lam2 in top:
            if sp.simplify(lam2 - lam) == 0:
                G += P[:, start] * Pinv[start + size - 1, :] / (lam / sp.Abs(lam)) ** (k - 1)
        Gs.append(np.array(G.evalf(30), dtype=complex))
    phis = np.array([float(sp.N(sp.arg(lam), 30)) for lam in lams])
    ns = np.arange(4096)
    vals = np.array([np.linalg.norm(sum(np.exp(1j * n * ph) * Gj for ph, Gj in zip(phis, Gs)), 2) for n in ns])
    vals = vals / float(sp.N(scale, 20))
    lo, hi = float(vals.min()), float(vals.max())
    coef = sp.Float(hi, 15) if hi - lo <= 1e-10 * hi else None
    return GrowthClass(rho=rho, k=k, coefficient=coef, index=0, oscillation=(lo, hi))


def jordan2_transient_peak(lam, alpha):
    """Transient peak of ||A^n||_2 for A = [[lam, alpha], [0, lam]], 0 < lam < 1, alpha > 0.

    Parameters
    ----------
    lam : float or sympy number
        Eigenvalue, 0 < lam < 1.
    alpha : float or sympy number
        Coupling, alpha > 0.

    Returns
    -------
    dict
        ``n_star`` (continuous maximizer, sympy), ``n_peak`` (the integer maximizer, int),
        ``peak`` (exact value of ||A^n_peak||_2, sympy) and ``norm`` (the closed form
        ||A^n||_2 as a sympy expression in n).

    Notes
    -----
    A^n = [[lam^n, n alpha lam^(n-1)], [0, lam^n]]. For [[a, b], [0, a]] (a, b >= 0)
    sigma_max = (b + sqrt(b^2 + 4 a^2))/2, so with u = n alpha / lam,
    ||A^n||_2 = lam^n (u + sqrt(u^2 + 4))/2. d/dn log||A^n|| = log lam + (alpha/lam)/sqrt(u^2+4)
    vanishes at sqrt(u^2 + 4) = alpha/(lam |log lam|): n* = (lam/alpha) sqrt(alpha^2/(lam^2
    log^2 lam) - 4) when alpha > 2 lam |log lam| (else the norm decreases from n = 0 and the
    peak is ||A^0|| = 1 at n* = 0). log||A^n|| is concave in n, so the integer peak is at
    floor(n*) or ceil(n*).

    References
    ----------
    L. N. Trefethen and M. Embree, "Spectra and Pseudospectra", Princeton 2005, Ch. 14
    (transients of a 2 x 2 non-normal matrix, Fig. 14.2).

    Examples
    --------
    >>> r = jordan2_transient_peak(0.9, 1.0)
    >>> r["n_peak"], round(float(r["peak"]), 4)
    (9, 3.9126)
    """
    lam_f = float(check_in_range(lam, "lam", 0.0, 1.0, low_inclusive=False, high_inclusive=False))
    alpha_f = float(check_in_range(alpha, "alpha", 0.0, None, low_inclusive=False))
    L = sp.nsimplify(lam) if isinstance(lam, float) else sp.sympify(lam)
    a = sp.nsimplify(alpha) if isinstance(alpha, float) else sp.sympify(alpha)
    n = sp.Symbol("n", nonnegative=True)
    u = n * a / L
    norm = L**n * (u + sp.sqrt(u**2 + 4)) / 2
    thresh = alpha_f - 2 * lam_f * abs(np.log(lam_f))
    if thresh <= 0:
        n_star = sp.Integer(0)
    else:
        n_star = (L / a) * sp.sqrt(a**2 / (L**2 * sp.log(L) ** 2) - 4)
    ns = float(sp.N(n_star, 30))
    cands = sorted({max(0, int(np.floor(ns))), max(0, int(np.ceil(ns)))})
    vals = [sp.N(norm.subs(n, c), 40) for c in cands]
    j = int(np.argmax([float(v) for v in vals]))
    n_peak = cands[j]
    return {"n_star": n_star, "n_peak": n_peak, "peak": sp.simplify(norm.subs(n, n_peak)), "norm": norm}
