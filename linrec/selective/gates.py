"""Scalar selective gates: h_t = a_t h_{t-1} + b_t with (a_t, b_t) a function of a random driver.

Every gate describes one scalar channel of a diagonal recurrence

    h_t = a(ξ_t) h_{t-1} + b_t,

with the driver ξ_t i.i.d. over time (its law is the gate's ``law``) and, for a real parameter p
of the gate, the derivatives ∂a/∂p and ∂b/∂p. Two kinds:

* **random gates, independent input** (:class:`RandomStepGate`): ξ_t = Δ_t is a random step
  size and b_t = β(Δ_t) x_t with x_t white, zero mean, variance ``input_variance``, independent
  of the gates (``input_variance`` is not None);
* **selective gates** (:class:`S6Gate`, :class:`MinGRUGate`): ξ_t = x_t is the input itself,
  which drives both the gate and b_t (``input_variance`` is None: b already contains x).

:meth:`terms` returns ``log a`` (so that 1 − a, 1 − |a|² and 1 − a² can be formed without
cancellation near the boundary |a| → 1), ``a``, ``∂a/∂p``, ``b`` (or β) and ``∂b/∂p`` (or ∂β/∂p)
at an array of driver values. The moment recursions (:mod:`linrec.selective.moments`) and the
simulations (:mod:`linrec.selective.montecarlo`) consume nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
from scipy.special import expit, log_expit

from linrec._validation import as_float_array, check_choice
from linrec.reparam.maps import zoh, zoh_grad
from linrec.selective.laws import ContinuousLaw, DiscreteLaw, as_law

__all__ = ["GateTerms", "RandomStepGate", "S6Gate", "MinGRUGate"]


class GateTerms(NamedTuple):
    """Per-driver-value terms of a gate (all arrays of the driver's shape).

    Attributes
    ----------
    log_a : numpy.ndarray
        log a (complex for complex or negative gates).
    a : numpy.ndarray
        The gate a = exp(log a).
    da : numpy.ndarray
        ∂a/∂p (zeros when no parameter is asked for).
    b : numpy.ndarray
        b_t (selective gates) or β with b_t = β x_t (random gates with independent input).
    db : numpy.ndarray
        ∂b/∂p (or ∂β/∂p).
    """

    log_a: np.ndarray
    a: np.ndarray
    da: np.ndarray
    b: np.ndarray
    db: np.ndarray


def _scalar(x: Any, name: str) -> float:
    return float(as_float_array(x, name, allow_complex=False, ndim=0))


def _softplus(u: np.ndarray) -> np.ndarray:
    return np.logaddexp(0.0, u)


@dataclass(frozen=True, eq=False)
class RandomStepGate:
    """a_t = λ^{Δ_t}: a time-invariant mode sampled with random step sizes Δ_t.

    h_t = λ^{Δ_t} h_{t-1} + β(Δ_t) x_t with Δ_t = e^κ ξ_t, ξ_t i.i.d. from ``law`` (ξ > 0), and
    x_t white noise (zero mean, variance ``input_variance``) independent of the steps. This is
    the exact discretization exp(Δ_t log λ) of the continuous mode log λ at irregular sampling
    times, or an S6 channel whose step size does not depend on the input.

    Parameters
    ----------
    law : DiscreteLaw, ContinuousLaw or scipy.stats distribution
        Law of ξ_t (support in (0, ∞); a law with ξ ≤ 0 is rejected).
    lam : float, optional
        Real mode λ ∈ (0, 1) (or give ``gap`` = 1 − λ, or the complex pair ``nu``, ``theta``).
    gap : float, optional
        1 − λ, for modes close to 1 (log λ = log1p(−gap) without cancellation).
    nu : float, optional
        Modulus ν ∈ (0, 1] of a complex mode λ = ν e^{iθ} (ν = 1: a unitary mode, |a_t| = 1;
        only finite-T moments exist).
    theta : float, optional
        Angle θ of the complex mode.
    log_delta : float, optional
        κ, the log-scale of the steps (Δ_t = e^κ ξ_t); a parameter of the gate itself.
    input_scale : {'one', 'delta'}, optional
        β(Δ) = 1, or β(Δ) = Δ (Euler discretization of B, as in Mamba).
    input_variance : float, optional
        Variance σ² > 0 of the white input.

    Attributes
    ----------
    params : tuple of str
        Parameters the gate can be differentiated in: ``('lam', 'log_delta')`` for a real mode,
        ``('nu', 'theta', 'log_delta')`` for a complex one.

    Notes
    -----
    a = exp(Δ log λ), ∂a/∂λ = Δ a/λ (real), ∂a/∂ν = Δ a/ν, ∂a/∂θ = iΔ a, ∂a/∂κ = Δ log λ · a;
    β = Δ gives ∂β/∂κ = Δ. With a constant step (``DiscreteLaw([1.0])``) the gate is the
    time-invariant recurrence of Zucchet & Orvieto (2024).

    References
    ----------
    A. Gu, T. Dao, "Mamba: linear-time sequence modeling with selective state spaces", 2023,
    Sec. 2 eq. (4) (a = exp(ΔA)) and Sec. 3.5 (Euler discretization of B).

    Examples
    --------
    >>> g = RandomStepGate([1.0], lam=0.5)
    >>> [float(v[0]) for v in g.terms(np.array([2.0]), "lam")[1:4]]
    [0.25, 1.0, 1.0]
    """

    law: Any
    lam: Any = None
    gap: Any = None
    nu: Any = None
    theta: Any = None
    log_delta: float = 0.0
    input_scale: str = "one"
    input_variance: float = 1.0

    def __post_init__(self) -> None:
        law = self.law
        if not isinstance(law, (DiscreteLaw, ContinuousLaw)) and not hasattr(law, "pdf"):
            law = DiscreteLaw(law)
        law = as_law(law, "law")
        if law.support[0] < 0 or (isinstance(law, DiscreteLaw) and law.support[0] <= 0):
            raise ValueError(f"law must be a law of step sizes Delta > 0; its support starts at {law.support[0]!r}")
        object.__setattr__(self, "law", law)
        given = [k for k in ("lam", "gap", "nu") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(f"give exactly one of lam, gap or nu (with theta); got {given or 'none'}")
        if self.theta is not None and self.nu is None:
            raise ValueError("theta goes with nu (a complex mode nu e^{i theta}); use lam or gap for a real mode")
        if self.nu is not None:
            nu = _scalar(self.nu, "nu")
            if not 0 < nu <= 1:
                raise ValueError(f"nu must lie in (0, 1] (1: a unitary mode, finite-T moments only); got {nu!r}")
            theta = _scalar(0.0 if self.theta is None else self.theta, "theta")
            log_base = complex(np.log(nu) if nu < 1 else 0.0, theta)
            object.__setattr__(self, "params", ("nu", "theta", "log_delta"))
        else:
            if self.gap is not None:
                gap = _scalar(self.gap, "gap")
                if not 0 < gap < 1:
                    raise ValueError(f"gap must lie in (0, 1); got {gap!r}")
                log_base = float(np.log1p(-gap))
            else:
                lam = _scalar(self.lam, "lam")
                if not 0 < lam < 1:
                    raise ValueError(f"lam must lie in (0, 1) (a decaying real mode); got {lam!r}")
                log_base = float(np.log(lam))
            object.__setattr__(self, "params", ("lam", "log_delta"))
        object.__setattr__(self, "_log_base", log_base)
        object.__setattr__(self, "log_delta", _scalar(self.log_delta, "log_delta"))
        check_choice(self.input_scale, "input_scale", ("one", "delta"))
        var = _scalar(self.input_variance, "input_variance")
        if var <= 0:
            raise ValueError(f"input_variance must be > 0; got {var!r}")
        object.__setattr__(self, "input_variance", var)

    @property
    def is_complex(self) -> bool:
        """Whether the mode is complex."""
        return isinstance(self._log_base, complex)

    @property
    def base(self) -> complex | float:
        """The mode λ (or ν e^{iθ})."""
        return np.exp(self._log_base)

    def terms(self, xi: np.ndarray, param: str | None = None) -> GateTerms:
        """Gate terms at driver values ``xi``; β in place of b (b_t = β x_t)."""
        if param is not None:
            check_choice(param, "param", self.params)
        delta = np.exp(self.log_delta) * np.asarray(xi, dtype=np.float64)
        lb = self._log_base
        log_a = delta * lb
        a = np.exp(log_a)
        beta = delta if self.input_scale == "delta" else np.ones_like(delta)
        zero = np.zeros_like(a)
        if param is None:
            return GateTerms(log_a, a, zero, beta, np.zeros_like(beta))
        dbeta = np.zeros_like(beta)
        if param in ("lam", "nu"):
            da = delta * a / np.exp(np.real(lb))
        elif param == "theta":
            da = 1j * delta * a
        else:  # log_delta
            da = delta * lb * a
            if self.input_scale == "delta":
                dbeta = delta
        return GateTerms(log_a, a, da, beta, dbeta)


@dataclass(frozen=True, eq=False)
class S6Gate:
    """One channel of Mamba's selective scan (S6) with a scalar state.

    h_t = exp(Δ_t A) h_{t-1} + B̄_t x_t,  Δ_t = softplus(w x_t + c),  A = −exp(A_log),

    with B̄_t = Δ_t B (``discretization='euler'``, Mamba's implementation) or
    B̄_t = (exp(Δ_t A) − 1)/A · B (``'zoh'``); the input x_t ~ ``law`` drives both the gate and
    the state (b_t = B̄_t x_t).

    Parameters
    ----------
    law : DiscreteLaw, ContinuousLaw or scipy.stats distribution
        Law of the input x_t (finite second moment).
    A_log : float
        log(−A), Mamba's parameterization of the (negative) continuous-time eigenvalue.
    w, c : float
        Step-size projection and bias (Δ_t = softplus(w x_t + c)).
    B : float, optional
        Input coefficient.
    discretization : {'euler', 'zoh'}, optional
        How B is discretized.

    Attributes
    ----------
    params : tuple of str
        ``('A_log', 'w', 'c', 'B')``.

    Notes
    -----
    With u = w x + c, Δ = softplus(u), Δ' = sigmoid(u) and z = ΔA:
    ∂a/∂A_log = z a, ∂a/∂w = A a Δ' x, ∂a/∂c = A a Δ'. Euler: b = ΔBx, ∂b/∂w = Δ' x B x,
    ∂b/∂c = Δ' B x, ∂b/∂B = Δ x. ZOH: b = B̄(A, Δ) B x with ∂B̄/∂Δ = e^{ΔA} and ∂B̄/∂A from
    :func:`linrec.reparam.zoh_grad`; ∂/∂A_log = A ∂/∂A.

    References
    ----------
    A. Gu, T. Dao, "Mamba: linear-time sequence modeling with selective state spaces", 2023,
    Algorithm 2 (S6: Δ = τ_Δ(Parameter + s_Δ(x)), τ_Δ = softplus) and eq. (4) (ZOH).

    Examples
    --------
    >>> g = S6Gate([1.0], A_log=0.0, w=0.0, c=0.0)
    >>> round(float(g.terms(np.array([1.0]))[1][0]), 6)       # exp(-softplus(0)) = 1/2
    0.5
    """

    law: Any
    A_log: float = 0.0
    w: float = 1.0
    c: float = 0.0
    B: float = 1.0
    discretization: str = "euler"
    params = ("A_log", "w", "c", "B")
    input_variance = None
    is_complex = False

    def __post_init__(self) -> None:
        law = self.law if hasattr(self.law, "expect") or hasattr(self.law, "pdf") else DiscreteLaw(self.law)
        object.__setattr__(self, "law", as_law(law, "law"))
        for k in ("A_log", "w", "c", "B"):
            object.__setattr__(self, k, _scalar(getattr(self, k), k))
        check_choice(self.discretization, "discretization", ("euler", "zoh"))

    def terms(self, xi: np.ndarray, param: str | None = None) -> GateTerms:
        """Gate terms at input values ``xi``."""
        if param is not None:
            check_choice(param, "param", self.params)
        x = np.asarray(xi, dtype=np.float64)
        A = -np.exp(self.A_log)
        u = self.w * x + self.c
        delta, ddelta = _softplus(u), expit(u)
        log_a = delta * A
        a = np.exp(log_a)
        if self.discretization == "euler":
            bbar, dbbar_ddelta, dbbar_dA = delta, np.ones_like(delta), np.zeros_like(delta)
        else:
            _, bbar = zoh(A, delta)
            dbbar_ddelta = a
            dbbar_dA = zoh_grad(A, delta)[1]
        b = bbar * self.B * x
        zero = np.zeros_like(a)
        if param is None:
            return GateTerms(log_a, a, zero, b, zero)
        if param == "A_log":
            da, db = log_a * a, A * dbbar_dA * self.B * x
        elif param == "w":
            da, db = A * a * ddelta * x, dbbar_ddelta * ddelta * x * self.B * x
        elif param == "c":
            da, db = A * a * ddelta, dbbar_ddelta * ddelta * self.B * x
        else:  # B
            da, db = zero, bbar * x
        return GateTerms(log_a, a, da, b, db)


@dataclass(frozen=True, eq=False)
class MinGRUGate:
    """One channel of minGRU with a linear candidate: the input drives the gate and the state.

    h_t = (1 − z_t) h_{t-1} + z_t u x_t,  z_t = sigmoid(w x_t + c),  x_t ~ ``law``.

    Parameters
    ----------
    law : DiscreteLaw, ContinuousLaw or scipy.stats distribution
        Law of the input x_t.
    w, c : float
        Gate projection and bias.
    u : float, optional
        Candidate weight (h̃_t = u x_t).

    Attributes
    ----------
    params : tuple of str
        ``('w', 'c', 'u')``.

    Notes
    -----
    a = 1 − z = sigmoid(−(wx + c)), log a = log_expit(−(wx + c)) (no cancellation when z → 0,
    the long-memory limit); ∂a/∂w = −z(1 − z) x, ∂a/∂c = −z(1 − z), ∂b/∂w = z(1 − z) x · u x,
    ∂b/∂c = z(1 − z) u x, ∂b/∂u = z x.

    References
    ----------
    L. Feng et al., "Were RNNs all we needed?", arXiv:2410.01201 (2024), Sec. 3.1 (minGRU).

    Examples
    --------
    >>> g = MinGRUGate([1.0], w=0.0, c=0.0, u=2.0)
    >>> t = g.terms(np.array([1.0]))
    >>> float(t.a[0]), float(t.b[0])                  # 1 - sigmoid(0), sigmoid(0) * 2 * 1
    (0.5, 1.0)
    """

    law: Any
    w: float = 1.0
    c: float = 0.0
    u: float = 1.0
    params = ("w", "c", "u")
    input_variance = None
    is_complex = False

    def __post_init__(self) -> None:
        law = self.law if hasattr(self.law, "expect") or hasattr(self.law, "pdf") else DiscreteLaw(self.law)
        object.__setattr__(self, "law", as_law(law, "law"))
        for k in ("w", "c", "u"):
            object.__setattr__(self, k, _scalar(getattr(self, k), k))

    def terms(self, xi: np.ndarray, param: str | None = None) -> GateTerms:
        """Gate terms at input values ``xi``."""
        if param is not None:
            check_choice(param, "param", self.params)
        x = np.asarray(xi, dtype=np.float64)
        pre = self.w * x + self.c
        z = expit(pre)
        log_a = log_expit(-pre)
        a = np.exp(log_a)
        b = z * self.u * x
        zero = np.zeros_like(a)
        if param is None:
            return GateTerms(log_a, a, zero, b, zero)
        dz = z * a
        if param == "w":
            da, db = -dz * x, dz * x * self.u * x
        elif param == "c":
            da, db = -dz, dz * self.u * x
        else:  # u
            da, db = zero, z * x
        return GateTerms(log_a, a, da, b, db)
