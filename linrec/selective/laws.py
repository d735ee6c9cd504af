"""Laws of the per-step random driver of a selective recurrence (step sizes Δ_t or inputs x_t).

A *law* is the distribution of one scalar driver ξ_t, i.i.d. over time. It provides exact
expectations E[f(ξ)] of vector-valued functions (a finite sum for :class:`DiscreteLaw`, adaptive
quadrature against the density for :class:`ContinuousLaw`) and independent samples for Monte
Carlo. The moment recursions of :mod:`linrec.selective.moments` only ever ask a law for
expectations, so a finite law gives *exact* finite-T moments (to rounding).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from linrec._validation import as_float_array, as_rng

__all__ = ["DiscreteLaw", "ContinuousLaw", "as_law", "gaussian_law"]


@dataclass(frozen=True, eq=False)
class DiscreteLaw:
    """A finite distribution: P(ξ = values[k]) = probs[k].

    Parameters
    ----------
    values : array_like, shape (K,)
        Real support points (distinct or not).
    probs : array_like, shape (K,), optional
        Probabilities (non-negative, summing to 1 within 1e-12); uniform when omitted.

    Examples
    --------
    >>> law = DiscreteLaw([-1.0, 1.0])
    >>> float(law.expect(lambda x: x**2)[()])
    1.0
    >>> law.mean(), law.second_moment()
    (0.0, 1.0)
    """

    values: Any
    probs: Any = None

    def __post_init__(self) -> None:
        v = as_float_array(self.values, "values", allow_complex=False).ravel()
        if self.probs is None:
            p = np.full(v.size, 1.0 / v.size)
        else:
            p = as_float_array(self.probs, "probs", allow_complex=False).ravel()
            if p.shape != v.shape:
                raise ValueError(f"probs must have the same length as values; got {p.size} and {v.size}")
            if np.any(p < 0):
                raise ValueError(f"probs must be >= 0; got {float(np.min(p))!r}")
            total = float(np.sum(p))
            if abs(total - 1.0) > 1e-12 * max(1, v.size):
                raise ValueError(f"probs must sum to 1; got {total!r}")
            p = p / total
        object.__setattr__(self, "values", v)
        object.__setattr__(self, "probs", p)

    @property
    def support(self) -> tuple[float, float]:
        """Smallest and largest support point."""
        return float(np.min(self.values)), float(np.max(self.values))

    def expect(self, f: Callable[[np.ndarray], Any]) -> np.ndarray:
        """E[f(ξ)] = Σ_k p_k f(v_k) for f mapping (K,) points to (K, ...) values."""
        vals = np.asarray(f(self.values))
        if vals.shape[:1] != (self.values.size,):
            raise ValueError(f"f must return an array whose first axis has length {self.values.size}; "
                             f"got shape {vals.shape}")
        return np.tensordot(self.probs, vals, axes=(0, 0))

    def sample(self, shape: Any, rng: Any = None) -> np.ndarray:
        """Independent draws of ξ with the given shape."""
        return as_rng(rng).choice(self.values, size=shape, p=self.probs)

    def mean(self) -> float:
        """E[ξ]."""
        return float(self.probs @ self.values)

    def second_moment(self) -> float:
        """E[ξ²]."""
        return float(self.probs @ self.values**2)


@dataclass(frozen=True, eq=False)
class ContinuousLaw:
    """A continuous distribution given as a frozen ``scipy.stats`` distribution.

    Parameters
    ----------
    dist : scipy.stats frozen continuous distribution
        For example ``scipy.stats.gamma(2.0, scale=0.5)`` (step sizes) or
        ``scipy.stats.norm()`` (inputs). It must have a finite second moment.
    rtol : float, optional
        Relative tolerance of the adaptive quadrature (``scipy.integrate.quad_vec``).

    Notes
    -----
    ``expect`` integrates f(x) p(x) over the support with ``quad_vec`` (one adaptive
    Gauss–Kronrod run for all components of f). Distributions with infinite variance are
    rejected: every moment recursion needs E[ξ²] (b_t is linear in the input or in Δ_t).

    Examples
    --------
    >>> from scipy import stats
    >>> law = ContinuousLaw(stats.norm())
    >>> round(float(law.expect(lambda x: x**2)[()]), 10)
    1.0
    """

    dist: Any
    rtol: float = 1e-12

    def __post_init__(self) -> None:
        d = self.dist
        if not (hasattr(d, "pdf") and hasattr(d, "support") and hasattr(d, "rvs") and hasattr(d, "var")):
            raise TypeError("dist must be a frozen scipy.stats continuous distribution "
                            f"(with pdf, support, rvs, var); got {type(d).__name__}")
        with np.errstate(all="ignore"):
            var = float(d.var())
        if not np.isfinite(var):
            raise ValueError(f"dist must have a finite second moment; got variance {var!r}")
        if not (0 < self.rtol < 1e-3):
            raise ValueError(f"rtol must lie in (0, 1e-3); got {self.rtol!r}")

    @property
    def support(self) -> tuple[float, float]:
        """Support end points (possibly infinite)."""
        lo, hi = self.dist.support()
        return float(lo), float(hi)

    def expect(self, f: Callable[[np.ndarray], Any]) -> np.ndarray:
        """E[f(ξ)] by adaptive quadrature of f(x) p(x) over the support."""
        from scipy.integrate import quad_vec  # scipy.integrate is heavy; loaded on first use

        lo, hi = self.support
        probe = np.asarray(f(np.array([self.dist.median()])))
        shape = probe.shape[1:]
        cplx = np.iscomplexobj(probe)

        def integrand(x: float) -> np.ndarray:
            v = np.asarray(f(np.array([x])))[0] * self.dist.pdf(x)
            return np.concatenate([np.real(v).ravel(), np.imag(v).ravel()]) if cplx else np.ravel(v)

        res, _err = quad_vec(integrand, lo, hi, epsabs=0.0, epsrel=self.rtol, norm="max", limit=400)
        if cplx:
            n = int(np.prod(shape))
            res = res[:n] + 1j * res[n:]
        return np.reshape(res, shape)

    def sample(self, shape: Any, rng: Any = None) -> np.ndarray:
        """Independent draws of ξ with the given shape."""
        return np.asarray(self.dist.rvs(size=shape, random_state=as_rng(rng)), dtype=np.float64)

    def mean(self) -> float:
        """E[ξ]."""
        return float(self.dist.mean())

    def second_moment(self) -> float:
        """E[ξ²]."""
        return float(self.dist.var() + self.dist.mean() ** 2)


def gaussian_law(mean: float = 0.0, std: float = 1.0) -> ContinuousLaw:
    """The normal law N(mean, std²) as a :class:`ContinuousLaw`.

    Parameters
    ----------
    mean : float, optional
        Mean.
    std : float, optional
        Standard deviation (> 0).

    Returns
    -------
    ContinuousLaw
        The law.

    Examples
    --------
    >>> gaussian_law(0.0, 2.0).second_moment()
    4.0
    """
    from scipy import stats

    std_f = float(as_float_array(std, "std", allow_complex=False, ndim=0))
    if std_f <= 0:
        raise ValueError(f"std must be > 0; got {std_f!r}")
    return ContinuousLaw(stats.norm(float(as_float_array(mean, "mean", allow_complex=False, ndim=0)), std_f))


def as_law(law: Any, name: str = "law") -> DiscreteLaw | ContinuousLaw:
    """Accept a law or a frozen scipy.stats distribution.

    Parameters
    ----------
    law : DiscreteLaw, ContinuousLaw or scipy.stats frozen distribution
        The driver's distribution.
    name : str, optional
        Argument name for error messages.

    Returns
    -------
    DiscreteLaw or ContinuousLaw
        The law.

    Examples
    --------
    >>> from scipy import stats
    >>> type(as_law(stats.expon())).__name__
    'ContinuousLaw'
    """
    if isinstance(law, (DiscreteLaw, ContinuousLaw)):
        return law
    if hasattr(law, "pdf") and hasattr(law, "rvs"):
        return ContinuousLaw(law)
    raise TypeError(f"{name} must be a DiscreteLaw, a ContinuousLaw or a frozen scipy.stats "
                    f"distribution; got {type(law).__name__}")
