"""Argument checks shared by every module.

Each check names the offending argument and says what was expected, so that bad input fails
at the boundary with a ``ValueError``/``TypeError`` instead of deep inside numpy.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

__all__ = [
    "LinrecWarning",
    "as_float_array",
    "as_rng",
    "check_finite",
    "check_positive_int",
    "check_nonnegative_int",
    "check_square",
    "check_stable",
    "check_in_range",
    "check_choice",
]


class LinrecWarning(UserWarning):
    """Warning for numerically doubtful results (never for ordinary use)."""


def as_float_array(
    x: Any,
    name: str,
    *,
    allow_complex: bool = True,
    ndim: int | tuple[int, ...] | None = None,
    min_size: int = 1,
    finite: bool = True,
) -> np.ndarray:
    """Convert ``x`` to a float64 or complex128 array, with clear errors.

    Parameters
    ----------
    x : array_like
        The value to convert. Booleans, integers, floats and (if allowed) complex numbers are
        accepted; object, string and datetime dtypes are rejected.
    name : str
        Argument name used in error messages.
    allow_complex : bool, optional
        Whether complex input is accepted (it is returned as complex128).
    ndim : int or tuple of int, optional
        Required number of dimensions (any of the tuple).
    min_size : int, optional
        Minimum number of elements (default 1: empty arrays are rejected).
    finite : bool, optional
        Whether to reject NaN and infinity (default True).

    Returns
    -------
    numpy.ndarray
        A float64 or complex128 array (a new array only when conversion was needed).

    Raises
    ------
    TypeError
        If the dtype is not numeric, or complex when ``allow_complex`` is False.
    ValueError
        If the shape, size or finiteness requirement is violated.

    Examples
    --------
    >>> as_float_array([1, 2], "x").dtype
    dtype('float64')
    """
    if isinstance(x, np.ndarray):
        arr = x
    else:
        try:
            arr = np.asarray(x)
        except (ValueError, TypeError) as exc:  # ragged lists and the like
            raise ValueError(f"{name} must be a numeric array; got {type(x).__name__}: {exc}") from exc
    kind = arr.dtype.kind
    if kind in "biuf":
        arr = arr.astype(np.float64, copy=False)
    elif kind == "c":
        if not allow_complex:
            raise TypeError(f"{name} must be real; got dtype {arr.dtype}")
        arr = arr.astype(np.complex128, copy=False)
    else:
        raise TypeError(f"{name} must be a numeric (float or complex) array; got dtype {arr.dtype}")
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(str(k) for k in allowed)
            raise ValueError(f"{name} must have {want} dimension(s); got shape {arr.shape}")
    if arr.size < min_size:
        raise ValueError(f"{name} must have at least {min_size} element(s); got shape {arr.shape}")
    if finite and not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite; it contains NaN or infinity")
    return arr


def check_finite(x: np.ndarray, name: str) -> np.ndarray:
    """Raise ``ValueError`` if ``x`` contains NaN or infinity; return ``x``.

    Parameters
    ----------
    x : numpy.ndarray
        Array to check.
    name : str
        Argument name used in the error message.

    Returns
    -------
    numpy.ndarray
        ``x`` itself.

    Examples
    --------
    >>> check_finite(np.ones(2), "x")
    array([1., 1.])
    """
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{name} must be finite; it contains NaN or infinity")
    return x


def check_square(A: Any, name: str = "A", *, allow_complex: bool = True) -> np.ndarray:
    """Return ``A`` as a finite square 2-D float64/complex128 array.

    Parameters
    ----------
    A : array_like
        Candidate square matrix.
    name : str, optional
        Argument name used in error messages.
    allow_complex : bool, optional
        Whether complex entries are accepted.

    Returns
    -------
    numpy.ndarray
        The matrix as an array of shape (N, N).

    Examples
    --------
    >>> check_square([[1, 0], [0, 1]]).shape
    (2, 2)
    """
    arr = as_float_array(A, name, allow_complex=allow_complex, ndim=2)
    if arr.shape[0] != arr.shape[1]:
        raise ValueError(f"{name} must be square; got shape {arr.shape}")
    return arr


def check_stable(lam: Any, name: str = "lam", *, strict: bool = True) -> np.ndarray:
    """Check that every entry satisfies |lam| < 1 (or <= 1 when ``strict`` is False).

    Parameters
    ----------
    lam : array_like
        Eigenvalue(s), real or complex.
    name : str, optional
        Argument name used in error messages.
    strict : bool, optional
        Require |lam| < 1 (default) rather than |lam| <= 1.

    Returns
    -------
    numpy.ndarray
        ``lam`` as a float64/complex128 array.

    Examples
    --------
    >>> check_stable(0.5)
    array(0.5)
    """
    arr = as_float_array(lam, name)
    mod = np.abs(arr)
    bad = mod >= 1 if strict else mod > 1
    if np.any(bad):
        worst = float(np.max(mod))
        rel = "<" if strict else "<="
        raise ValueError(
            f"{name} must satisfy |{name}| {rel} 1 for a stationary quantity; "
            f"got |{name}| = {worst!r}"
        )
    return arr


def check_positive_int(n: Any, name: str) -> int:
    """Return ``n`` as a Python int, requiring an integer >= 1.

    Parameters
    ----------
    n : int
        Candidate value (Python or numpy integer; bool is rejected).
    name : str
        Argument name used in error messages.

    Returns
    -------
    int
        The value.

    Examples
    --------
    >>> check_positive_int(3, "T")
    3
    """
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise TypeError(f"{name} must be an integer; got {type(n).__name__}")
    if n < 1:
        raise ValueError(f"{name} must be >= 1; got {n}")
    return int(n)


def check_nonnegative_int(n: Any, name: str) -> int:
    """Return ``n`` as a Python int, requiring an integer >= 0.

    Parameters
    ----------
    n : int
        Candidate value (Python or numpy integer; bool is rejected).
    name : str
        Argument name used in error messages.

    Returns
    -------
    int
        The value.

    Examples
    --------
    >>> check_nonnegative_int(0, "n_max")
    0
    """
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise TypeError(f"{name} must be an integer; got {type(n).__name__}")
    if n < 0:
        raise ValueError(f"{name} must be >= 0; got {n}")
    return int(n)


def check_in_range(
    x: Any,
    name: str,
    low: float | None = None,
    high: float | None = None,
    *,
    low_inclusive: bool = True,
    high_inclusive: bool = True,
) -> np.ndarray:
    """Check that a real array lies in an interval; return it as float64.

    Parameters
    ----------
    x : array_like
        Real values.
    name : str
        Argument name used in error messages.
    low, high : float, optional
        Interval end points (None: unbounded).
    low_inclusive, high_inclusive : bool, optional
        Whether the end points belong to the interval.

    Returns
    -------
    numpy.ndarray
        ``x`` as a float64 array.

    Examples
    --------
    >>> check_in_range(0.3, "rho", 0.0, 1.0)
    array(0.3)
    """
    arr = as_float_array(x, name, allow_complex=False)
    ok = np.ones(arr.shape, dtype=bool)
    if low is not None:
        ok &= (arr >= low) if low_inclusive else (arr > low)
    if high is not None:
        ok &= (arr <= high) if high_inclusive else (arr < high)
    if not np.all(ok):
        lb = "[" if low_inclusive else "("
        rb = "]" if high_inclusive else ")"
        lo = "-inf" if low is None else repr(low)
        hi = "inf" if high is None else repr(high)
        bad = arr[~ok].ravel()[0]
        raise ValueError(f"{name} must lie in {lb}{lo}, {hi}{rb}; got {bad!r}")
    return arr


def check_choice(value: Any, name: str, choices: tuple[str, ...]) -> str:
    """Check that ``value`` is one of ``choices``.

    Parameters
    ----------
    value : str
        Candidate value.
    name : str
        Argument name used in error messages.
    choices : tuple of str
        Allowed values.

    Returns
    -------
    str
        ``value``.

    Examples
    --------
    >>> check_choice("auto", "method", ("auto", "sequential"))
    'auto'
    """
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}; got {value!r}")
    return value


def as_rng(rng: np.random.Generator | int | np.random.SeedSequence | None) -> np.random.Generator:
    """Turn ``rng`` into a ``numpy.random.Generator``.

    Parameters
    ----------
    rng : Generator, int, SeedSequence or None
        A generator is returned as is (so draws continue its stream); an int or
        ``SeedSequence`` seeds a new PCG64 generator; None draws fresh OS entropy.

    Returns
    -------
    numpy.random.Generator
        The generator.

    Examples
    --------
    >>> bool(as_rng(0).integers(10) == as_rng(0).integers(10))
    True
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or isinstance(rng, np.random.SeedSequence):
        return np.random.default_rng(rng)
    if isinstance(rng, bool) or not isinstance(rng, numbers.Integral):
        raise TypeError(
            f"rng must be a numpy.random.Generator, an int seed, a SeedSequence or None; "
            f"got {type(rng).__name__}"
        )
    if rng < 0:
        raise ValueError(f"rng seed must be non-negative; got {rng}")
    return np.random.default_rng(int(rng))
