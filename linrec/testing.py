"""Testing helpers: gradient checks and claim records.

``check_grad`` compares a hand-written gradient with central differences (always) and with the
complex step (when the function is real-analytic and written with complex-safe operations).
``ClaimRecord``/``evaluate_claim`` are the pure part of the claims ledger: the test suite's
``claim`` fixture builds records with them and ``make claims`` writes them to
``papers/CLAIMS.md``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from linrec._validation import as_float_array, as_rng

__all__ = [
    "GradCheckResult",
    "check_grad",
    "ClaimRecord",
    "evaluate_claim",
    "evaluate_bound",
]

_EPS = float(np.finfo(np.float64).eps)


@dataclass(frozen=True)
class GradCheckResult:
    """Outcome of :func:`check_grad`.

    Attributes
    ----------
    ok : bool
        Whether every checked coordinate is within tolerance for every method used.
    worst_fd : float
        Largest ratio |error| / tolerance over coordinates for central differences.
    worst_cs : float or None
        Same for the complex step (None when it was not used).
    n_checked : int
        Number of coordinates checked.
    messages : tuple of str
        One line per coordinate that failed.
    """

    ok: bool
    worst_fd: float
    worst_cs: float | None
    n_checked: int
    messages: tuple[str, ...] = field(default_factory=tuple)


def _flatten(x: Any) -> tuple[np.ndarray, Callable[[np.ndarray], Any], list[str]]:
    """Flatten an array or a dict of arrays into one float vector, with an inverse."""
    if isinstance(x, Mapping):
        keys = list(x.keys())
        arrs = [as_float_array(x[k], f"x[{k!r}]", allow_complex=False, min_size=0) for k in keys]
        shapes = [a.shape for a in arrs]
        sizes = [a.size for a in arrs]
        flat = np.concatenate([a.ravel() for a in arrs]) if arrs else np.zeros(0)
        labels = [f"{k}[{np.unravel_index(i, s) if s else ()}]" for k, s, n in zip(keys, shapes, sizes)
                  for i in range(n)]

        def unflatten(v: np.ndarray) -> dict[str, np.ndarray]:
            out: dict[str, np.ndarray] = {}
            start = 0
            for k, s, n in zip(keys, shapes, sizes):
                out[k] = v[start:start + n].reshape(s)
                start += n
            return out

        return flat, unflatten, labels
    arr = as_float_array(x, "x", allow_complex=False)
    labels = [str(np.unravel_index(i, arr.shape)) for i in range(arr.size)]
    return arr.ravel().copy(), lambda v: v.reshape(arr.shape), labels


def check_grad(
    fun: Callable[[Any], Any],
    x: Any,
    grad: Any,
    *,
    complex_step: bool = False,
    cond: float = 100.0,
    coords: int | None = None,
    rng: np.random.Generator | int | None = 0,
    raise_on_failure: bool = True,
) -> GradCheckResult:
    """Check a hand-written gradient against central differences and the complex step.

    Parameters
    ----------
    fun : callable
        Scalar function of ``x`` (an array, or a dict of arrays for model parameters). With
        ``complex_step=True`` it must accept complex values and be real-analytic: no ``abs``,
        ``conj``, ``real`` or comparisons on the perturbed quantities.
    x : array_like or dict of array_like
        Real point at which to check.
    grad : array_like or dict of array_like
        The gradient to verify, with the structure of ``x``.
    complex_step : bool, optional
        Also check with the complex step Im f(x + i h e_k) / h.
    cond : float, optional
        Assumed condition factor of evaluating ``fun`` in floating point: the relative rounding
        error of one evaluation is taken as ``cond * eps`` (default 100, enough for sums over
        a few hundred steps; raise it for longer sequences).
    coords : int, optional
        Check only this many coordinates, drawn without replacement with ``rng`` (default: all).
    rng : Generator or int or None, optional
        Random source for ``coords``.
    raise_on_failure : bool, optional
        Raise ``AssertionError`` listing the failing coordinates (default True).

    Returns
    -------
    GradCheckResult
        Errors relative to the tolerances.

    Notes
    -----
    For coordinate k with scale L = max(1, |x_k|), the central difference with step
    h = eps^(1/3) L, D(h) = (f(x + h e_k) - f(x - h e_k)) / (2h), has truncation error
    f'''(ξ) h²/6 and rounding error about cond·eps·|f| / h. The truncation error is estimated
    from the same data by Richardson: D(2h) - D(h) = 3·(f'''/6) h² + O(h⁴), so
    |D(2h) - D(h)| / 3 estimates it. The tolerance is ten times the sum of the two estimates
    plus cond·eps·|g_k| (the rounding of the reference gradient itself).

    The complex step Im f(x + i h e_k) / h with h = 1e-20 L has no subtractive cancellation; its
    truncation error f''' h²/6 is below 1e-40 and the tolerance is cond·eps·(|g_k| + |f|/L).

    References
    ----------
    .. [1] J. N. Lyness and C. B. Moler, "Numerical differentiation of analytic functions",
       SIAM J. Numer. Anal. 4 (1967) 202-210.
    .. [2] J. R. R. A. Martins, P. Sturdza and J. J. Alonso, "The complex-step derivative
       approximation", ACM TOMS 29 (2003) 245-262.

    Examples
    --------
    >>> x = np.array([0.3, -1.2])
    >>> res = check_grad(lambda v: np.sum(np.sin(v) ** 2), x, np.sin(2 * x), complex_step=True)
    >>> res.ok
    True
    """
    flat, unflatten, labels = _flatten(x)
    gflat, _, _ = _flatten(grad)
    if gflat.shape != flat.shape:
        raise ValueError(f"grad must have the structure of x; got {gflat.size} values for {flat.size}")
    n = flat.size
    if coords is None or coords >= n:
        idx = np.arange(n)
    else:
        idx = np.sort(as_rng(rng).choice(n, size=int(coords), replace=False))

    def f_real(v: np.ndarray) -> float:
        val = np.asarray(fun(unflatten(v)))
        if val.size != 1:
            raise ValueError(f"fun must return a scalar; got shape {val.shape}")
        return float(np.real(val.reshape(())))

    f0 = abs(f_real(flat))
    msgs: list[str] = []
    worst_fd = 0.0
    worst_cs: float | None = 0.0 if complex_step else None
    for k in idx:
        L = max(1.0, abs(flat[k]))
        h = _EPS ** (1.0 / 3.0) * L
        vals = {}
        fmax = f0
        for s in (-2, -1, 1, 2):
            v = flat.copy()
            v[k] += s * h
            vals[s] = f_real(v)
            fmax = max(fmax, abs(vals[s]))
        d1 = (vals[1] - vals[-1]) / (2 * h)
        d2 = (vals[2] - vals[-2]) / (4 * h)
        g = gflat[k]
        tol = 10.0 * (abs(d2 - d1) / 3.0 + cond * _EPS * fmax / h) + cond * _EPS * abs(g)
        tol = max(tol, np.finfo(np.float64).tiny)
        ratio = abs(d1 - g) / tol
        worst_fd = max(worst_fd, ratio)
        if ratio > 1:
            msgs.append(f"{labels[k]}: grad={g!r} central-difference={d1!r} tol={tol:.3g}")
        if complex_step:
            hc = 1e-20 * L
            v = flat.astype(np.complex128)
            v[k] += 1j * hc
            val = np.asarray(fun(unflatten(v))).reshape(())
            dcs = float(np.imag(val)) / hc
            tolc = cond * _EPS * (abs(g) + f0 / L) + np.finfo(np.float64).tiny
            ratio_c = abs(dcs - g) / tolc
            worst_cs = max(worst_cs or 0.0, ratio_c)
            if ratio_c > 1:
                msgs.append(f"{labels[k]}: grad={g!r} complex-step={dcs!r} tol={tolc:.3g}")
    result = GradCheckResult(
        ok=not msgs, worst_fd=worst_fd, worst_cs=worst_cs, n_checked=int(idx.size),
        messages=tuple(msgs),
    )
    if raise_on_failure and msgs:
        raise AssertionError("gradient check failed:\n  " + "\n  ".join(msgs[:20]))
    return result


def _fmt(v: np.ndarray) -> str:
    v = np.asarray(v)
    if v.size == 1:
        z = complex(v.reshape(()))
        if z.imag == 0:
            return f"{z.real:.6g}"
        return f"{z.real:.6g}{z.imag:+.6g}j"
    return f"{v.size} values in [{np.min(np.abs(v)):.3g}, {np.max(np.abs(v)):.3g}]"


@dataclass(frozen=True)
class ClaimRecord:
    """One row of the claims ledger.

    Attributes
    ----------
    test : str
        Test node id.
    paper : str
        Paper identifier (``papers/<paper>/``).
    equation : str
        Equation, theorem or figure of the paper the claim comes from.
    statement : str
        The claim in our words.
    predicted : str
        What the theory predicts (formatted).
    measured : str
        What the independent measurement gave (formatted).
    rel_error : float
        Largest relative error (or, for a bound, the largest measured/bound ratio).
    tolerance : str
        The tolerance used.
    why : str
        Where the tolerance comes from.
    passed : bool
        Whether the claim held.
    """

    test: str
    paper: str
    equation: str
    statement: str
    predicted: str
    measured: str
    rel_error: float
    tolerance: str
    why: str
    passed: bool


def evaluate_claim(
    *,
    test: str,
    paper: str,
    equation: str,
    statement: str,
    predicted: Any,
    measured: Any,
    rtol: float = 0.0,
    atol: float = 0.0,
    why: str,
) -> ClaimRecord:
    """Compare a prediction with a measurement: |measured - predicted| <= atol + rtol |predicted|.

    Parameters
    ----------
    test : str
        Test node id.
    paper : str
        Paper identifier.
    equation : str
        Equation or theorem cited.
    statement : str
        The claim in our words.
    predicted : array_like
        Prediction (closed form, theorem).
    measured : array_like
        Independent measurement, broadcastable against ``predicted``.
    rtol, atol : float, optional
        Relative and absolute tolerance (at least one must be positive).
    why : str
        Derivation of the tolerance (Monte Carlo standard error, rounding, truncation).

    Returns
    -------
    ClaimRecord
        The ledger row (``passed`` tells the verdict).

    Examples
    --------
    >>> r = evaluate_claim(test="t", paper="p", equation="(1)", statement="s", predicted=1.0,
    ...                    measured=1.0 + 1e-12, rtol=1e-10, why="rounding")
    >>> r.passed
    True
    """
    if not why:
        raise ValueError("why must explain where the tolerance comes from")
    if rtol < 0 or atol < 0 or (rtol == 0 and atol == 0):
        raise ValueError(f"rtol and atol must be >= 0 and not both 0; got rtol={rtol}, atol={atol}")
    p = np.asarray(predicted, dtype=np.complex128 if np.iscomplexobj(predicted) else np.float64)
    m = np.asarray(measured, dtype=np.complex128 if np.iscomplexobj(measured) else np.float64)
    p_b, m_b = np.broadcast_arrays(p, m)
    err = np.abs(m_b - p_b)
    passed = bool(np.all(np.isfinite(err)) and np.all(err <= atol + rtol * np.abs(p_b)))
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where(np.abs(p_b) > 0, err / np.abs(p_b), err)
    rel_error = float(np.max(rel)) if rel.size else 0.0
    tol = ", ".join(s for s in (f"rtol={rtol:.3g}" if rtol else "", f"atol={atol:.3g}" if atol else "") if s)
    return ClaimRecord(test, paper, equation, statement, _fmt(p), _fmt(m), rel_error, tol, why, passed)


def evaluate_bound(
    *,
    test: str,
    paper: str,
    equation: str,
    statement: str,
    bound: Any,
    measured: Any,
    relation: str = "<=",
    slack: float = 0.0,
    why: str,
) -> ClaimRecord:
    """Check an inequality: measured <= bound (or >=), up to a relative ``slack``.

    Parameters
    ----------
    test : str
        Test node id.
    paper : str
        Paper identifier.
    equation : str
        Equation or theorem cited.
    statement : str
        The claim in our words.
    bound : array_like
        The theoretical bound.
    measured : array_like
        Measured values, broadcastable against ``bound``.
    relation : {"<=", ">="}, optional
        Direction of the inequality.
    slack : float, optional
        Relative allowance for rounding: measured <= bound (1 + slack) for "<=",
        measured >= bound (1 - slack) for ">=".
    why : str
        Where the slack comes from.

    Returns
    -------
    ClaimRecord
        The ledger row; ``rel_error`` holds the largest measured/bound ratio for "<=" and the
        largest bound/measured ratio for ">=" (a value <= 1 means the bound holds).

    Examples
    --------
    >>> evaluate_bound(test="t", paper="p", equation="(2)", statement="s", bound=2.0,
    ...                measured=[1.0, 1.5], slack=1e-12, why="rounding").passed
    True
    """
    if relation not in ("<=", ">="):
        raise ValueError(f"relation must be '<=' or '>='; got {relation!r}")
    if not why:
        raise ValueError("why must explain where the slack comes from")
    if slack < 0:
        raise ValueError(f"slack must be >= 0; got {slack}")
    b = np.asarray(bound, dtype=np.float64)
    m = np.asarray(measured, dtype=np.float64)
    b_b, m_b = np.broadcast_arrays(b, m)
    with np.errstate(divide="ignore", invalid="ignore"):
        if relation == "<=":
            ok = m_b <= b_b + slack * np.abs(b_b)
            ratio = np.where(b_b != 0, m_b / b_b, np.inf)
        else:
            ok = m_b >= b_b - slack * np.abs(b_b)
            ratio = np.where(m_b != 0, b_b / m_b, np.inf)
    passed = bool(np.all(ok) and np.all(np.isfinite(m_b)))
    return ClaimRecord(
        test, paper, equation, statement, f"{relation} {_fmt(b)}", _fmt(m),
        float(np.max(ratio)) if ratio.size else 0.0, f"slack={slack:.3g}", why, passed,
    )
