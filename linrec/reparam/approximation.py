"""Approximation and perturbation analysis: the curse of memory for SSMs (StableSSM Thm 3.3/3.5).

A linear SSM with diagonal real modes represents the linear functional
y(t) = ∫_0^∞ ρ(s) x(t − s) ds through the kernel ρ̂(t) = Σ_i c_i e^{λ_i t} (continuous time,
λ_i < 0) or ρ̂_n = Σ_i c_i λ_i^n (discrete time, 0 < λ_i < 1). This module

* defines memory kernels ρ (:func:`memory_kernel`): exponential e^{−αt}, polynomial
  (1 + t/τ)^−p (e.g. (1 + t)^−2 or (1 + 0.1 t)^−1.1 = τ 10, p 1.1), shifted window
  1[t0 ≤ t < t0 + width], bump e^{−(t−t0)²}, Airy Ai(t − t0), and sums of these;
* computes the exact L² inner products ⟨ρ, e^{λt}⟩ = ∫_0^∞ ρ(t) e^{λt} dt (Laplace
  transform at s = −λ; the polynomial case is τ e^{sτ} E_p(sτ) with the generalized
  exponential integral, via mpmath) and the discrete ℓ² analogues Σ_n ρ_n λ^n (Lerch
  transcendent for the polynomial case);
* fits L²-optimal m-term exponential sums from several starts by variable projection
  (:func:`fit_exponentials`);
* measures the stability margin s_min(m) = min_i |λ_i| (continuous) or 1 − max_i λ_i
  (discrete) of the fit (:func:`stability_margin`): it collapses to 0 as m grows for
  polynomial memory and stays at α for exponential memory e^{−αt} (Thm 3.3, Li et al. 2021);
* evaluates the perturbation error E_m(β) = sup_{|δ_i| ≤ β} ‖ρ − Σ c_i e^{f(w_i + δ_i) t}‖
  under a reparameterization f with w_i = f^{−1}(λ_i) (:func:`perturbation_error`): for the
  direct map it is infinite once β ≥ s_min(m), for stable maps finite (Thm 3.5).

The perturbation error here uses the L² norm of the kernel difference (exact and cheap with
the inner products); StableSSM uses the operator norm sup_{‖x‖_∞ ≤ 1} |y − ŷ| = ‖ρ − ρ̂‖_{L¹}.
Both are infinite exactly when a perturbed eigenvalue leaves the stable region, and
:func:`model_perturbation_bound` gives the L¹ bound S_f(β) Σ|c_i|/d_i of the paper's proof.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import mpmath
import numpy as np
from scipy import integrate, linalg, optimize, special

from linrec._validation import as_float_array, as_rng, check_choice, check_positive_int
from linrec.reparam.maps import Reparam

__all__ = [
    "Kernel",
    "memory_kernel",
    "kernel_sum",
    "inner_exp",
    "ExpFit",
    "fit_exponentials",
    "stability_margin",
    "margin_curve",
    "perturbation_error",
    "model_perturbation_bound",
]

_NOT_A_FORMULA = ("memory_kernel", "kernel_sum", "margin_curve")

_KINDS = ("exponential", "polynomial", "window", "bump", "airy", "sum")


def _pos(x: Any, name: str) -> float:
    if isinstance(x, bool) or not isinstance(x, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a real number; got {type(x).__name__}")
    x = float(x)
    if not math.isfinite(x) or x <= 0:
        raise ValueError(f"{name} must be > 0 and finite; got {x!r}")
    return x


def _nonneg(x: Any, name: str) -> float:
    if isinstance(x, bool) or not isinstance(x, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a real number; got {type(x).__name__}")
    x = float(x)
    if not math.isfinite(x) or x < 0:
        raise ValueError(f"{name} must be >= 0 and finite; got {x!r}")
    return x


@dataclass(frozen=True)
class Kernel:
    """A memory kernel ρ(t), t ≥ 0 (build with :func:`memory_kernel` or :func:`kernel_sum`).

    Parameters
    ----------
    kind : str
        ``"exponential"``, ``"polynomial"``, ``"window"``, ``"bump"``, ``"airy"`` or ``"sum"``.
    params : tuple
        Kind-specific parameters, as (name, value) pairs.
    parts : tuple of Kernel
        Components of a ``"sum"`` kernel (empty otherwise).

    Examples
    --------
    >>> k = memory_kernel("polynomial", p=2.0)
    >>> float(k.value(1.0)), round(k.norm2(), 12)
    (0.25, 0.333333333333)
    """

    kind: str
    params: tuple = ()
    parts: tuple = ()

    # -- parameters ----------------------------------------------------------------------
    def _p(self, name: str) -> float:
        return dict(self.params)[name]

    def __repr__(self) -> str:
        if self.kind == "sum":
            return " + ".join(repr(p) for p in self.parts)
        args = ", ".join(f"{k}={v:g}" for k, v in self.params)
        return f"{self.kind}({args})"

    @property
    def support_end(self) -> float:
        """A time after which |ρ| < 1e-300 (inf for slowly decaying kernels)."""
        k = self.kind
        if k == "window":
            return self._p("t0") + self._p("width")
        if k == "bump":
            return self._p("t0") + 27.0
        if k == "airy":
            return self._p("t0") + 80.0
        if k == "sum":
            return max(p.support_end for p in self.parts)
        return math.inf

    # -- values --------------------------------------------------------------------------
    def value(self, t: Any) -> np.ndarray:
        """ρ(t) for t ≥ 0.

        Parameters
        ----------
        t : array_like
            Times (≥ 0).

        Returns
        -------
        numpy.ndarray
            ρ(t).

        Examples
        --------
        >>> float(memory_kernel("exponential", rate=2.0).value(0.5))
        0.36787944117144233
        """
        t = as_float_array(t, "t", allow_complex=False, min_size=0)
        if np.any(t < 0):
            raise ValueError("t must be >= 0")
        k = self.kind
        if k == "exponential":
            return self._p("amplitude") * np.exp(-self._p("rate") * t)
        if k == "polynomial":
            return np.exp(-self._p("p") * np.log1p(t / self._p("scale")))
        if k == "window":
            t0, wd = self._p("t0"), self._p("width")
            return ((t >= t0) & (t < t0 + wd)).astype(float)
        if k == "bump":
            return np.exp(-((t - self._p("t0")) ** 2))
        if k == "airy":
            return special.airy(t - self._p("t0"))[0]
        return sum(p.value(t) for p in self.parts)

    # -- continuous-time inner products ----------------------------------------------------
    def norm2(self) -> float:
        """‖ρ‖²_{L²(0,∞)} (closed forms; numeric quadrature for Airy and cross terms of sums).

        Returns
        -------
        float
            ∫_0^∞ ρ(t)² dt.

        Examples
        --------
        >>> bool(abs(memory_kernel("bump", t0=0.0).norm2() - np.sqrt(np.pi / 2) / 2) < 1e-15)
        True
        """
        k = self.kind
        if k == "exponential":
            return self._p("amplitude") ** 2 / (2 * self._p("rate"))
        if k == "polynomial":
            return self._p("scale") / (2 * self._p("p") - 1)
        if k == "window":
            return self._p("width")
        if k == "bump":
            return math.sqrt(math.pi / 2) / 2 * special.erfc(-math.sqrt(2) * self._p("t0"))
        if k == "airy":
            return _quad(lambda t: self.value(t) ** 2, self)
        total = 0.0
        for i, a in enumerate(self.parts):
            for j, b in enumerate(self.parts):
                if j < i:
                    continue
                v = a.norm2() if i == j else 2.0 * _cross(a, b)
                total += v
        return total

    def laplace(self, s: Any) -> np.ndarray:
        """⟨ρ, e^{−st}⟩ = ∫_0^∞ ρ(t) e^{−st} dt for s > 0 (the inner product with e^{λt}, λ = −s).

        Parameters
        ----------
        s : array_like
            Decay rates s > 0.

        Returns
        -------
        numpy.ndarray
            The Laplace transform of ρ at s.

        Examples
        --------
        >>> round(float(memory_kernel("polynomial", p=2.0).laplace(1.0)), 12)  # 1 - e E_1(1)
        0.403652637676
        """
        s = _rates(s)
        k = self.kind
        if k == "exponential":
            return self._p("amplitude") / (s + self._p("rate"))
        if k == "polynomial":
            p, tau = self._p("p"), self._p("scale")
            # ∫ (1 + t/τ)^-p e^{-st} dt = τ ∫_1^∞ u^-p e^{-sτ(u-1)} du = τ e^{sτ} E_p(sτ)
            return np.array([float(tau * mpmath.exp(x * tau) * mpmath.expint(p, x * tau)) for x in s.ravel()]
                            ).reshape(s.shape)
        if k == "window":
            t0, wd = self._p("t0"), self._p("width")
            return np.exp(-s * t0) * (-np.expm1(-s * wd)) / s
        if k == "bump":
            t0 = self._p("t0")
            z = s / 2 - t0  # ∫ e^{-(t-t0)^2 - st} = (√π/2) e^{s²/4 - s t0} erfc(s/2 - t0)
            with np.errstate(over="ignore"):
                big = (math.sqrt(math.pi) / 2) * math.exp(-t0 * t0) * special.erfcx(np.maximum(z, 0))
                small = (math.sqrt(math.pi) / 2) * np.exp(np.minimum(z, 0) ** 2 - t0 * t0) * special.erfc(
                    np.minimum(z, 0))
            return np.where(z > 0, big, small)
        if k == "airy":
            return np.array([_quad(lambda t, x=x: self.value(t) * np.exp(-x * t), self) for x in s.ravel()]
                            ).reshape(s.shape)
        return sum(p.laplace(s) for p in self.parts)

    def laplace_moment(self, s: Any) -> np.ndarray:
        """∫_0^∞ t ρ(t) e^{−st} dt = −d/ds of :meth:`laplace` (for the fit gradient).

        Parameters
        ----------
        s : array_like
            Decay rates s > 0.

        Returns
        -------
        numpy.ndarray
            The first moment of ρ(t) e^{−st}.

        Examples
        --------
        >>> float(memory_kernel("exponential", rate=1.0).laplace_moment(1.0))
        0.25
        """
        s = _rates(s)
        k = self.kind
        if k == "exponential":
            return self._p("amplitude") / (s + self._p("rate")) ** 2
        if k == "polynomial":
            p, tau = self._p("p"), self._p("scale")
            # -d/ds[τ e^{sτ} E_p(sτ)] = τ² e^{sτ} (E_{p-1}(sτ) - E_p(sτ))   (E_p' = -E_{p-1})
            out = [float(tau**2 * mpmath.exp(x * tau) * (mpmath.expint(p - 1, x * tau) - mpmath.expint(p, x * tau)))
                   for x in s.ravel()]
            return np.array(out).reshape(s.shape)
        if k == "window":
            t0, wd = self._p("t0"), self._p("width")
            t1 = t0 + wd
            # ∫_{t0}^{t1} t e^{-st} dt = [(1 + s t) e^{-st}]_{t1}^{t0} / s²
            return ((1 + s * t0) * np.exp(-s * t0) - (1 + s * t1) * np.exp(-s * t1)) / s**2
        if k in ("bump", "airy"):
            return np.array([_quad(lambda t, x=x: t * self.value(t) * np.exp(-x * t), self) for x in s.ravel()]
                            ).reshape(s.shape)
        return sum(p.laplace_moment(s) for p in self.parts)

    # -- discrete-time inner products -------------------------------------------------------
    def seq(self, n: Any) -> np.ndarray:
        """The sampled kernel ρ_n = ρ(n) for integers n ≥ 0.

        Parameters
        ----------
        n : array_like of int
            Indices.

        Returns
        -------
        numpy.ndarray
            ρ(n).

        Examples
        --------
        >>> memory_kernel("polynomial", p=1.0 + 1.0).seq([0, 1, 3]).tolist()
        [1.0, 0.25, 0.0625]
        """
        return self.value(np.asarray(n, dtype=float))

    def _n_terms(self) -> int:
        end = self.support_end
        if not math.isfinite(end):
            raise ValueError(f"{self!r} has no finite support; its discrete sums need a closed form")
        return int(math.ceil(end)) + 1

    def norm2_discrete(self) -> float:
        """Σ_{n≥0} ρ_n² (closed forms for exponential and polynomial; exact finite sums otherwise).

        Returns
        -------
        float
            The squared ℓ² norm of the sampled kernel.

        Examples
        --------
        >>> bool(abs(memory_kernel("polynomial", p=2.0).norm2_discrete() - np.pi**4 / 90) < 1e-14)
        True
        """
        k = self.kind
        if k == "exponential":
            return self._p("amplitude") ** 2 / (-math.expm1(-2 * self._p("rate")))
        if k == "polynomial":
            p, tau = self._p("p"), self._p("scale")
            return float(mpmath.power(tau, 2 * p) * mpmath.zeta(2 * p, tau))
        if k == "sum":
            total = 0.0
            for i, a in enumerate(self.parts):
                for j, b in enumerate(self.parts):
                    if j < i:
                        continue
                    total += a.norm2_discrete() if i == j else 2.0 * _cross_discrete(a, b)
            return total
        n = np.arange(self._n_terms())
        return float(np.sum(self.seq(n) ** 2))

    def gen(self, z: Any) -> np.ndarray:
        """Σ_{n≥0} ρ_n z^n for −1 < z < 1 (the ℓ² inner product with λ^n).

        Parameters
        ----------
        z : array_like
            Discrete eigenvalues in (−1, 1).

        Returns
        -------
        numpy.ndarray
            The generating function of ρ_n at z.

        Examples
        --------
        >>> float(memory_kernel("exponential", rate=float(np.log(2))).gen(0.5))  # Σ (1/4)^n
        1.3333333333333333
        """
        z = _discrete(z)
        k = self.kind
        if k == "exponential":
            return self._p("amplitude") / (1 - z * math.exp(-self._p("rate")))
        if k == "polynomial":
            p, tau = self._p("p"), self._p("scale")
            # Σ (1 + n/τ)^-p z^n = τ^p Σ (n + τ)^-p z^n = τ^p Φ(z, p, τ)
            return np.array([float(mpmath.power(tau, p) * mpmath.lerchphi(x, p, tau)) for x in z.ravel()]
                            ).reshape(z.shape)
        if k == "sum":
            return sum(q.gen(z) for q in self.parts)
        n = np.arange(self._n_terms())
        return np.polynomial.polynomial.polyval(z, self.seq(n))

    def gen_moment(self, z: Any) -> np.ndarray:
        """Σ_{n≥1} n ρ_n z^{n−1} = d/dz of :meth:`gen`.

        Parameters
        ----------
        z : array_like
            Discrete eigenvalues in (−1, 1).

        Returns
        -------
        numpy.ndarray
            The derivative of the generating function.

        Examples
        --------
        >>> float(memory_kernel("exponential", rate=float(np.log(2))).gen_moment(0.0))
        0.5
        """
        z = _discrete(z)
        k = self.kind
        if k == "exponential":
            q = math.exp(-self._p("rate"))
            return self._p("amplitude") * q / (1 - z * q) ** 2
        if k == "polynomial":
            p, tau = self._p("p"), self._p("scale")
            out = []
            for x in z.ravel():
                if x == 0:
                    out.append((1 + 1 / tau) ** (-p))
                else:  # Σ n (n+τ)^-p z^n = Φ(z, p-1, τ) - τ Φ(z, p, τ)
                    v = mpmath.power(tau, p) * (mpmath.lerchphi(x, p - 1, tau) - tau * mpmath.lerchphi(x, p, tau)) / x
                    out.append(float(v))
            return np.array(out).reshape(z.shape)
        if k == "sum":
            return sum(q.gen_moment(z) for q in self.parts)
        n = np.arange(self._n_terms())
        return np.polynomial.polynomial.polyval(z, (n * self.seq(n))[1:])


def _rates(s: Any) -> np.ndarray:
    s = as_float_array(s, "s", allow_complex=False, min_size=0)
    if np.any(s <= 0):
        raise ValueError("s (a decay rate, s = -lambda) must be > 0")
    return s


def _discrete(z: Any) -> np.ndarray:
    z = as_float_array(z, "z", allow_complex=False, min_size=0)
    if np.any(np.abs(z) >= 1):
        raise ValueError("z (a discrete eigenvalue) must lie in (-1, 1)")
    return z


def _quad(fun, kernel: Kernel) -> float:
    """∫_0^∞ fun(t) dt by adaptive quadrature (relative accuracy ~1e-12).

    Breakpoints at the kernel's features (t0, t0 + width) and every 4 time units up to the
    end of its effective support (beyond which |ρ| < 1e-300); an infinite tail only for
    kernels without finite support.
    """
    feats = {0.0}
    for n, v in _all_params(kernel):
        if n == "t0":
            feats.add(v)
    end = kernel.support_end
    for k in (kernel.parts if kernel.kind == "sum" else (kernel,)):
        if k.kind == "window":
            feats.add(k._p("t0") + k._p("width"))
    if math.isfinite(end):
        feats.update(np.arange(0.0, end, 4.0).tolist())
        feats.add(end)
    edges = sorted(feats)
    total = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        total += integrate.quad(lambda t: float(fun(np.array(t))), lo, hi, epsabs=1e-300, epsrel=1e-12, limit=200)[0]
    if not math.isfinite(end):
        total += integrate.quad(lambda t: float(fun(np.array(t))), edges[-1], np.inf, epsabs=1e-300, epsrel=1e-12,
                                limit=200)[0]
    return total


def _all_params(kernel: Kernel):
    if kernel.kind == "sum":
        for p in kernel.parts:
            yield from _all_params(p)
    else:
        yield from kernel.params


def _cross(a: Kernel, b: Kernel) -> float:
    """⟨a, b⟩ in L²: exact when one side is exponential, else quadrature."""
    if a.kind == "exponential":
        return float(a._p("amplitude") * b.laplace(a._p("rate")))
    if b.kind == "exponential":
        return _cross(b, a)
    both = Kernel("sum", (), (a, b))
    return _quad(lambda t: a.value(t) * b.value(t), both)


def _cross_discrete(a: Kernel, b: Kernel) -> float:
    """Σ_n a_n b_n: exact when one side is exponential, a finite sum when one has finite support."""
    if a.kind == "exponential":
        return float(a._p("amplitude") * b.gen(math.exp(-a._p("rate"))))
    if b.kind == "exponential":
        return _cross_discrete(b, a)
    end = min(a.support_end, b.support_end)
    if not math.isfinite(end):
        raise ValueError(f"the discrete inner product of {a!r} and {b!r} (both of infinite support) is not implemented")
    n = np.arange(int(math.ceil(end)) + 1)
    return float(np.sum(a.seq(n) * b.seq(n)))


def memory_kernel(kind: str, **params: Any) -> Kernel:
    """Build a memory kernel.

    Parameters
    ----------
    kind : str
        ``"exponential"`` (``rate`` α > 0, ``amplitude`` A, default 1): A e^{−αt};
        ``"polynomial"`` (``p`` > 1, ``scale`` τ > 0, default 1): (1 + t/τ)^−p;
        ``"window"`` (``t0`` ≥ 0, ``width`` > 0): 1 on [t0, t0 + width);
        ``"bump"`` (``t0`` ≥ 0): e^{−(t − t0)²};
        ``"airy"`` (``t0`` ≥ 0): Ai(t − t0).
    **params : float
        The parameters above.

    Returns
    -------
    Kernel
        The kernel.

    Raises
    ------
    ValueError
        For non-integrable kernels (α ≤ 0, p ≤ 1) or invalid parameters.

    Examples
    --------
    >>> memory_kernel("polynomial", p=1.1, scale=10.0)
    polynomial(p=1.1, scale=10)
    """
    check_choice(kind, "kind", _KINDS[:-1])
    allowed = {
        "exponential": {"rate", "amplitude"},
        "polynomial": {"p", "scale"},
        "window": {"t0", "width"},
        "bump": {"t0"},
        "airy": {"t0"},
    }[kind]
    extra = set(params) - allowed
    if extra:
        raise TypeError(f"unexpected parameter(s) for a {kind} kernel: {sorted(extra)}; allowed: {sorted(allowed)}")
    if kind == "exponential":
        rate = params.get("rate", 1.0)
        if isinstance(rate, (int, float)) and not isinstance(rate, bool) and rate <= 0:
            raise ValueError(f"rate must be > 0: e^(-rate t) with rate = {rate!r} is not integrable on [0, inf)")
        amp = params.get("amplitude", 1.0)
        if isinstance(amp, bool) or not isinstance(amp, (int, float, np.integer, np.floating)) or not np.isfinite(amp):
            raise TypeError(f"amplitude must be a finite real number; got {amp!r}")
        return Kernel(kind, (("rate", _pos(rate, "rate")), ("amplitude", float(amp))))
    if kind == "polynomial":
        if "p" not in params:
            raise TypeError("a polynomial kernel needs p (decay exponent, p > 1)")
        p = params["p"]
        if isinstance(p, (int, float)) and not isinstance(p, bool) and p <= 1:
            raise ValueError(
                f"p must be > 1: (1 + t/tau)^-p with p = {p!r} is not integrable on [0, inf) "
                "(the linear functional with this memory is unbounded)"
            )
        return Kernel(kind, (("p", _pos(p, "p")), ("scale", _pos(params.get("scale", 1.0), "scale"))))
    if kind == "window":
        t0 = _nonneg(params.get("t0", 0.0), "t0")
        return Kernel(kind, (("t0", t0), ("width", _pos(params.get("width", 1.0), "width"))))
    return Kernel(kind, (("t0", _nonneg(params.get("t0", 0.0), "t0")),))


def kernel_sum(*parts: Kernel) -> Kernel:
    """Sum of memory kernels ("sum of parts").

    Parameters
    ----------
    *parts : Kernel
        At least one kernel.

    Returns
    -------
    Kernel
        ρ = Σ parts (inner products add; the norm's cross terms are exact against exponential
        parts and by quadrature otherwise).

    Examples
    --------
    >>> k = kernel_sum(memory_kernel("exponential", rate=1.0), memory_kernel("bump", t0=3.0))
    >>> float(k.value(3.0).round(6))
    1.049787
    """
    if not parts:
        raise ValueError("kernel_sum needs at least one kernel")
    flat = []
    for p in parts:
        if not isinstance(p, Kernel):
            raise TypeError(f"parts must be Kernel instances; got {type(p).__name__}")
        flat.extend(p.parts if p.kind == "sum" else (p,))
    return Kernel("sum", (), tuple(flat))


def inner_exp(kernel: Kernel, lam: Any, *, time: str = "continuous") -> np.ndarray:
    """Inner product of a kernel with exponentials: ⟨ρ, e^{λt}⟩ or Σ_n ρ_n λ^n.

    Parameters
    ----------
    kernel : Kernel
        The memory kernel.
    lam : array_like
        Eigenvalues: λ < 0 (continuous) or −1 < λ < 1 (discrete).
    time : {"continuous", "discrete"}, optional
        L²(0, ∞) or ℓ²(ℕ).

    Returns
    -------
    numpy.ndarray
        The inner products.

    Notes
    -----
    Continuous: ∫_0^∞ ρ(t) e^{λt} dt = ℒρ(−λ); for ρ = (1 + t/τ)^−p this is
    τ e^{sτ} E_p(sτ) = τ e^{sτ}(sτ)^{p−1} Γ(1 − p, sτ) (s = −λ, upper incomplete gamma).
    Discrete: Σ_n ρ_n λ^n; for ρ_n = (1 + n/τ)^−p it is τ^p Φ(λ, p, τ) (Lerch transcendent).

    References
    ----------
    .. [1] S. Wang and Q. Li, "StableSSM", ICML 2024, Sec. 3.2 (targets with exponential and
       polynomial memory).
    .. [2] Z. Li, J. Han, W. E, Q. Li, "On the curse of memory in recurrent neural networks:
       approximation and optimization analysis", ICLR 2021, Sec. 3.

    Examples
    --------
    >>> k = memory_kernel("polynomial", p=1.5)
    >>> s = 0.7
    >>> import mpmath
    >>> ref = float(mpmath.exp(s) * s ** 0.5 * mpmath.gammainc(-0.5, s))
    >>> bool(abs(float(inner_exp(k, -s)) - ref) < 1e-13)
    True
    """
    if not isinstance(kernel, Kernel):
        raise TypeError(f"kernel must be a Kernel; got {type(kernel).__name__}")
    check_choice(time, "time", ("continuous", "discrete"))
    lam = as_float_array(lam, "lam", allow_complex=False, min_size=0)
    if time == "continuous":
        if np.any(lam >= 0):
            raise ValueError("lam must be < 0 in continuous time (e^{lam t} must be in L2)")
        return kernel.laplace(-lam)
    if np.any(np.abs(lam) >= 1):
        raise ValueError("lam must lie in (-1, 1) in discrete time")
    return kernel.gen(lam)


@dataclass(frozen=True)
class ExpFit:
    """Result of :func:`fit_exponentials`.

    Parameters
    ----------
    lam : numpy.ndarray
        Fitted eigenvalues, sorted by decreasing memory (slowest first).
    c : numpy.ndarray
        Fitted coefficients.
    error : float
        Relative L² error ‖ρ − ρ̂‖/‖ρ‖.
    time : str
        ``"continuous"`` or ``"discrete"``.
    start_errors : numpy.ndarray
        Relative error reached from each start.
    active : numpy.ndarray of bool
        Modes whose contribution |c_i| ‖e^{λ_i t}‖ exceeds 1e-6 ‖ρ‖.

    Examples
    --------
    >>> fit = fit_exponentials(memory_kernel("exponential", rate=0.5), 1, rng=0)
    >>> round(float(fit.lam[0]), 6), round(float(fit.c[0]), 6)
    (-0.5, 1.0)
    """

    lam: np.ndarray
    c: np.ndarray
    error: float
    time: str
    start_errors: np.ndarray
    active: np.ndarray


def _gram(lam: np.ndarray, time: str) -> np.ndarray:
    if time == "continuous":
        return -1.0 / (lam[:, None] + lam[None, :])
    return 1.0 / (1.0 - lam[:, None] * lam[None, :])


def _lam_of_v(v: np.ndarray, time: str) -> np.ndarray:
    # continuous: λ = −e^v; discrete: λ = exp(−e^v) (v is the log decay rate in both)
    return -np.exp(v) if time == "continuous" else np.exp(-np.exp(v))


def _solve_c(G: np.ndarray, L: np.ndarray) -> np.ndarray:
    try:
        cf = linalg.cho_factor(G)
        return linalg.cho_solve(cf, L)
    except (linalg.LinAlgError, ValueError):
        return linalg.lstsq(G, L, cond=1e-14)[0]


_MIN_RATE = {"continuous": 1e-6, "discrete": 1e-4}  # lower bound on the decay rate e^v (conditioning)
_VMAX = 8.0


def _vp_objective(v: np.ndarray, kernel: Kernel, time: str, norm2: float) -> tuple[float, np.ndarray]:
    """Variable-projection objective J*(v)/‖ρ‖² and its gradient."""
    lam = _lam_of_v(v, time)
    if time == "continuous":
        L = kernel.laplace(-lam)
        M = kernel.laplace_moment(-lam)  # ∂L_k/∂λ_k
    else:
        L = kernel.gen(lam)
        M = kernel.gen_moment(lam)
    G = _gram(lam, time)
    c = _solve_c(G, L)
    J = norm2 - 2 * c @ L + c @ G @ c
    if time == "continuous":
        dG = 1.0 / (lam[:, None] + lam[None, :]) ** 2
        dJ_dlam = -2 * c * M + 2 * c * (dG @ c)
        dlam_dv = lam
    else:
        dG = lam[None, :] / (1.0 - lam[:, None] * lam[None, :]) ** 2
        dJ_dlam = -2 * c * M + 2 * c * (dG @ c)
        dlam_dv = -np.exp(v) * lam
    return float(J / norm2), dJ_dlam * dlam_dv / norm2


def fit_exponentials(
    kernel: Kernel,
    m: int,
    *,
    time: str = "continuous",
    n_starts: int = 4,
    rate_range: tuple[float, float] = (1e-3, 10.0),
    rng: np.random.Generator | int | None = None,
) -> ExpFit:
    """L²-optimal m-term exponential fit of a memory kernel (variable projection).

    Parameters
    ----------
    kernel : Kernel
        Target ρ.
    m : int
        Number of modes (≥ 1).
    time : {"continuous", "discrete"}, optional
        Fit ρ(t) by Σ c_i e^{λ_i t} in L²(0, ∞), or ρ_n by Σ c_i λ_i^n in ℓ².
    n_starts : int, optional
        Number of starts: one with geometrically spaced rates over ``rate_range`` and
        ``n_starts − 1`` with log-uniform random rates; the best is kept.
    rate_range : tuple of float, optional
        Range of initial decay rates (e^v).
    rng : Generator or int or None, optional
        Random source for the starts.

    Returns
    -------
    ExpFit
        The best fit.

    Notes
    -----
    For fixed eigenvalues the optimal coefficients solve the Gram system G c = L with
    G_ij = ⟨e^{λ_i t}, e^{λ_j t}⟩ = −1/(λ_i + λ_j) (continuous) or 1/(1 − λ_iλ_j)
    (discrete) and L_i = ⟨ρ, e^{λ_i t}⟩ (:func:`inner_exp`). The projected error
    J*(λ) = ‖ρ‖² − Lᵀ G⁻¹ L is minimized over v_i = log(decay rate) (λ = −e^v, resp.
    exp(−e^v): always stable) with L-BFGS-B and the exact gradient
    ∂J*/∂λ_k = −2 c_k ∂L_k/∂λ_k + 2 c_k Σ_j c_j ∂G_kj/∂λ_k (the coefficients' own
    derivative drops out at the optimum). The attainable relative error is limited by the
    cancellation in J* to about √(eps · cond G); decay rates are kept in [1e-6, e^8]
    (continuous) or [1e-4, e^8] (discrete, rate = −log λ) and starts whose J* comes out
    negative (rounding) are discarded.

    References
    ----------
    .. [1] G. H. Golub and V. Pereyra, "The differentiation of pseudo-inverses and nonlinear
       least squares problems whose variables separate", SIAM J. Numer. Anal. 10 (1973).
    .. [2] S. Wang and Q. Li, "StableSSM", ICML 2024, Thm 3.3 (approximation by SSMs).

    Examples
    --------
    >>> fit = fit_exponentials(memory_kernel("polynomial", p=2.0), 2, rng=0)
    >>> bool(fit.error < 0.05), fit.lam.shape
    (True, (2,))
    """
    if not isinstance(kernel, Kernel):
        raise TypeError(f"kernel must be a Kernel; got {type(kernel).__name__}")
    m = check_positive_int(m, "m")
    n_starts = check_positive_int(n_starts, "n_starts")
    check_choice(time, "time", ("continuous", "discrete"))
    lo, hi = _pos(rate_range[0], "rate_range[0]"), _pos(rate_range[1], "rate_range[1]")
    if lo >= hi:
        raise ValueError("rate_range must be increasing")
    gen = as_rng(rng)
    norm2 = kernel.norm2() if time == "continuous" else kernel.norm2_discrete()
    starts = [np.linspace(math.log(hi), math.log(lo), m) if m > 1 else np.array([math.log(math.sqrt(lo * hi))])]
    for _ in range(n_starts - 1):
        starts.append(np.sort(gen.uniform(math.log(lo), math.log(hi), m))[::-1])
    vmin = math.log(_MIN_RATE[time])
    best = None
    errs = []
    for v0 in starts:
        v0 = np.clip(v0, vmin, _VMAX)
        res = optimize.minimize(_vp_objective, v0, args=(kernel, time, norm2), jac=True, method="L-BFGS-B",
                                bounds=[(vmin, _VMAX)] * m, options={"maxiter": 500, "ftol": 1e-15, "gtol": 1e-12})
        if float(res.fun) < -1e-12:  # rounding (ill-conditioned Gram matrix) made J* negative: discard
            errs.append(np.nan)
            continue
        err = math.sqrt(max(float(res.fun), 0.0))
        errs.append(err)
        if best is None or err < best[0]:
            best = (err, res.x)
    if best is None:
        raise RuntimeError("every start of the exponential fit ended in a numerically invalid (negative) error")
    v = best[1]
    lam = _lam_of_v(v, time)
    L = kernel.laplace(-lam) if time == "continuous" else kernel.gen(lam)
    c = _solve_c(_gram(lam, time), L)
    order = np.argsort(-lam)  # slowest (closest to the boundary) first
    lam, c = lam[order], c[order]
    # L2 norm of one mode: 1/sqrt(2|lam|) (continuous) or 1/sqrt(1 - lam^2) (discrete), the latter
    # from v (lam = exp(-e^v): 1 - lam^2 = -expm1(-2 e^v)) so slow modes keep full precision
    rate = np.exp(v[order])
    mode_norm = 1 / np.sqrt(2 * rate) if time == "continuous" else 1 / np.sqrt(-np.expm1(-2 * rate))
    active = np.abs(c) * mode_norm > 1e-6 * math.sqrt(norm2)
    return ExpFit(lam=lam, c=c, error=best[0], time=time, start_errors=np.array(errs), active=active)


def stability_margin(fit: ExpFit) -> float:
    """Stability margin s_min of a fit: the slowest active decay rate.

    Parameters
    ----------
    fit : ExpFit
        A fit from :func:`fit_exponentials`.

    Returns
    -------
    float
        min_i |λ_i| (continuous) or min_i (1 − λ_i) (discrete) over the active modes.

    Notes
    -----
    s_min = min_{i active} d(λ_i) with d = −λ (continuous) or 1 − λ (discrete). StableSSM
    Thm 3.3 (after Li et al. 2021): if a sequence of SSMs approximates a target stably, the
    margins stay bounded away from 0 and the target's memory decays like e^{−s t}; for
    polynomial memory the margin of the best m-term fits therefore tends to 0.

    References
    ----------
    .. [1] S. Wang and Q. Li, "StableSSM", ICML 2024, Thm 3.3 (curse of memory).
    .. [2] Z. Li, J. Han, W. E, Q. Li, ICLR 2021, Thm 4.2.

    Examples
    --------
    >>> fit = fit_exponentials(memory_kernel("exponential", rate=0.5), 1, rng=0)
    >>> round(stability_margin(fit), 6)
    0.5
    """
    if not isinstance(fit, ExpFit):
        raise TypeError(f"fit must be an ExpFit; got {type(fit).__name__}")
    lam = fit.lam[fit.active] if np.any(fit.active) else fit.lam
    d = -lam if fit.time == "continuous" else 1 - lam
    return float(np.min(d))


def margin_curve(
    kernel: Kernel, ms: Any, *, time: str = "continuous", n_starts: int = 4, rng: np.random.Generator | int | None = 0
) -> tuple[np.ndarray, np.ndarray, list[ExpFit]]:
    """Stability margin s_min(m) and fit error for each m.

    Parameters
    ----------
    kernel : Kernel
        Target ρ.
    ms : array_like of int
        Numbers of modes.
    time : {"continuous", "discrete"}, optional
        Time convention of the fit.
    n_starts : int, optional
        Starts per fit.
    rng : Generator or int or None, optional
        Random source (one stream for all fits).

    Returns
    -------
    margins : numpy.ndarray
        s_min(m).
    errors : numpy.ndarray
        Relative L² fit errors.
    fits : list of ExpFit
        The fits.

    Examples
    --------
    >>> s, e, _ = margin_curve(memory_kernel("exponential", rate=2.0), [1, 2], rng=0)
    >>> s.round(6).tolist()
    [2.0, 2.0]
    """
    ms = [check_positive_int(int(x) if isinstance(x, (np.integer,)) else x, "ms[i]") for x in list(ms)]
    gen = as_rng(rng)
    fits = [fit_exponentials(kernel, m, time=time, n_starts=n_starts, rng=gen) for m in ms]
    return (np.array([stability_margin(f) for f in fits]), np.array([f.error for f in fits]), fits)


def _pert_err2(kernel: Kernel, c: np.ndarray, lam_t: np.ndarray, time: str, norm2: float) -> float:
    L = kernel.laplace(-lam_t) if time == "continuous" else kernel.gen(lam_t)
    return max(norm2 - 2 * c @ L + c @ _gram(lam_t, time) @ c, 0.0)


def perturbation_error(
    fit: ExpFit,
    kernel: Kernel,
    f: Reparam,
    beta: Any,
    *,
    max_corners: int = 256,
    rng: np.random.Generator | int | None = 0,
) -> np.ndarray:
    """Perturbation error E_m(β) of a fit under a reparameterization (L² norm).

    Parameters
    ----------
    fit : ExpFit
        The fitted model (λ_i, c_i).
    kernel : Kernel
        The target ρ.
    f : Reparam
        The reparameterization; its time must match the fit's, and every fitted λ_i must lie
        in ``f.range`` (for ``best``, choose b with 1/b beyond the fastest rate).
    beta : array_like
        Perturbation radii β ≥ 0.
    max_corners : int, optional
        Corners of the box [−β, β]^m examined (all if 2^m ≤ max_corners, else a random
        subset drawn with ``rng``).
    rng : Generator or int or None, optional
        Random source for corner subsets.

    Returns
    -------
    numpy.ndarray
        E_m(β) = sup_{|δ_i| ≤ β} ‖ρ − Σ c_i e^{f(w_i + δ_i) t}‖ (absolute L² norm), ``inf``
        when some w_i + δ_i leaves the domain of f (unstable eigenvalue).

    Notes
    -----
    w_i = f^{−1}(λ_i); the perturbed error is √(‖ρ‖² − 2cᵀL(λ̃) + cᵀG(λ̃)c), exact with the
    inner products of :func:`inner_exp`. The supremum is taken over the corners of the box
    (the extreme perturbations), then refined by L-BFGS-B inside the box from the worst
    corner. For the direct map w_i = λ_i and λ̃ = λ_i + δ_i leaves the stable region as
    soon as β ≥ s_min(m): E_m(β) = ∞. For stable maps λ̃ stays stable for every β and
    E_m(β) < ∞ (StableSSM Thm 3.5).

    References
    ----------
    .. [1] S. Wang and Q. Li, "StableSSM", ICML 2024, Thm 3.5 (perturbation
       error E_m(β)).

    Examples
    --------
    >>> from linrec.reparam import reparam
    >>> k = memory_kernel("polynomial", p=2.0)
    >>> fit = fit_exponentials(k, 2, rng=0)
    >>> s = stability_margin(fit)
    >>> float(perturbation_error(fit, k, reparam("direct"), 1.01 * s))
    inf
    >>> bool(np.isfinite(perturbation_error(fit, k, reparam("exp"), 1.01 * s)))
    True
    """
    if not isinstance(fit, ExpFit):
        raise TypeError(f"fit must be an ExpFit; got {type(fit).__name__}")
    if not isinstance(kernel, Kernel):
        raise TypeError(f"kernel must be a Kernel; got {type(kernel).__name__}")
    if not isinstance(f, Reparam):
        raise TypeError(f"f must be a Reparam; got {type(f).__name__}")
    if f.time != fit.time:
        raise ValueError(f"f is a {f.time}-time map but the fit is {fit.time}-time")
    max_corners = check_positive_int(max_corners, "max_corners")
    b = as_float_array(beta, "beta", allow_complex=False, min_size=0)
    if np.any(b < 0):
        raise ValueError(f"beta must be >= 0; got {float(np.min(b))!r}")
    if not np.all(f.range.contains(fit.lam)):
        raise ValueError(f"fitted eigenvalues {fit.lam} are not all in the range {f.range} of the {f.name!r} map")
    w = f.inverse(fit.lam)
    m = w.size
    norm2 = kernel.norm2() if fit.time == "continuous" else kernel.norm2_discrete()
    gen = as_rng(rng)
    if 2**m <= max_corners:
        signs = np.array(np.meshgrid(*[[-1.0, 1.0]] * m, indexing="ij")).reshape(m, -1).T
    else:
        signs = gen.choice([-1.0, 1.0], size=(max_corners, m))
    out = np.empty(b.shape)
    for idx, bi in np.ndenumerate(b):
        if bi == 0:
            out[idx] = math.sqrt(_pert_err2(kernel, fit.c, fit.lam, fit.time, norm2))
            continue
        if not (np.all(f.domain.contains(w - bi)) and np.all(f.domain.contains(w + bi))):
            out[idx] = np.inf
            continue
        vals = [_pert_err2(kernel, fit.c, f.f(w + bi * sg), fit.time, norm2) for sg in signs]
        k = int(np.argmax(vals))
        worst = vals[k]
        res = optimize.minimize(lambda dl: -_pert_err2(kernel, fit.c, f.f(w + dl), fit.time, norm2),
                                bi * signs[k], method="L-BFGS-B", bounds=[(-bi, bi)] * m,
                                options={"maxiter": 50})
        out[idx] = math.sqrt(max(worst, -float(res.fun)))
    return out


def model_perturbation_bound(fit: ExpFit, s_f: Any) -> np.ndarray:
    """L¹ bound on the model's kernel change under weight perturbations of size β.

    Parameters
    ----------
    fit : ExpFit
        The fitted model (continuous time).
    s_f : array_like
        Values S_f(β) of the map's stability function (:func:`linrec.reparam.criteria.stability_function`).

    Returns
    -------
    numpy.ndarray
        S_f(β) Σ_i |c_i|/|λ_i|, an upper bound of ∫_0^∞ |Σ c_i (e^{λ̃_i t} − e^{λ_i t})| dt.

    Notes
    -----
    For real λ, λ̃ < 0: ∫_0^∞ |e^{λ̃t} − e^{λt}| dt = |1/λ − 1/λ̃| = |1 − λ/λ̃|/|λ| ≤ S_f(β)/|λ|,
    and the triangle inequality over modes gives the bound (the mechanism of StableSSM Thm 3.5).

    References
    ----------
    .. [1] S. Wang and Q. Li, "StableSSM", ICML 2024, proof of Thm 3.5.

    Examples
    --------
    >>> fit = fit_exponentials(memory_kernel("exponential", rate=2.0), 1, rng=0)
    >>> float(model_perturbation_bound(fit, 1.0).round(6))
    0.5
    """
    if not isinstance(fit, ExpFit):
        raise TypeError(f"fit must be an ExpFit; got {type(fit).__name__}")
    if fit.time != "continuous":
        raise ValueError("model_perturbation_bound is for continuous-time fits")
    s = as_float_array(s_f, "s_f", allow_complex=False, min_size=0)
    if np.any(s < 0):
        raise ValueError("s_f must be >= 0")
    return s * float(np.sum(np.abs(fit.c) / np.abs(fit.lam)))
