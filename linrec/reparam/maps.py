"""Reparameterization maps λ = f(w): values, derivatives, inverses, domains and ranges.

Real maps (:class:`Reparam`, built with :func:`reparam`)
---------------------------------------------------------
Continuous time (stable ⇔ λ < 0):

=============  ===================================  ==================  ==================
name           f(w)                                 domain of w         range of λ
=============  ===================================  ==================  ==================
``direct``     w                                    (-inf, 0)           (-inf, 0)
``exp``        −e^w                                 (-inf, inf)         (-inf, 0)
``softplus``   −log(1 + e^w)                        (-inf, inf)         (-inf, 0)
``best``       −1/(a w² + b),  a, b > 0             (-inf, inf)         [-1/b, 0)
=============  ===================================  ==================  ==================

Discrete time (stable ⇔ |λ| < 1):

=============  ===================================  ==================  ==================
name           f(w)                                 domain of w         range of λ
=============  ===================================  ==================  ==================
``direct``     w                                    (-1, 1)             (-1, 1)
``exp``        exp(−e^w)   (alias ``lru``)          (-inf, inf)         (0, 1)
``sigmoid``    1/(1 + e^−w)                         (-inf, inf)         (0, 1)
``tanh``       tanh(w)                              (-inf, inf)         (-1, 1)
``best``       1 − 1/(a w² + b),  a > 0, b > 1/2    (-inf, inf)         [1 − 1/b, 1)
=============  ===================================  ==================  ==================

``best`` is even in w; its :meth:`Reparam.inverse` returns the branch w ≥ 0. In discrete time
b > 1/2 is required so that f(0) = 1 − 1/b > −1 (the paper's b = 1/2 puts w = 0 on the
boundary λ = −1).

Every map has ``f``, ``df``, ``d2f`` (first and second derivatives), ``inverse``, ``gap``
(distance to the stability boundary: |λ| = −λ in continuous time, 1 − |λ| in discrete time,
computed without cancellation) and ``boundary_distance`` (−λ, resp. 1 − λ: the quantity in
the criteria' denominators). They take arrays (real, or complex for complex-step
differentiation: the domain is then checked on the real part) and return arrays. Evaluation
is overflow-free for |w| up to several hundred (softplus through a sign split and ``log1p``,
``exp(−e^w)`` through ``expm1``, tanh' through e^{−2|w|}); ``exp`` maps overflow only where
λ itself is not representable (w > 709). Points outside the domain raise ``ValueError``.

Complex maps (:class:`ComplexReparam`, built with :func:`complex_reparam`)
--------------------------------------------------------------------------
Two real weights (ν, θ) give one complex discrete-time eigenvalue:

=============  ==========================================================  ==============
name           λ(ν, θ)                                                     domain
=============  ==========================================================  ==============
``lru``        exp(−e^ν + i e^θ)   (Orvieto et al. 2023, Sec. 3.3)         ν, θ ∈ R
``polar``      ν e^{iθ}                                                    ν ∈ [0, 1)
``gap_angle``  r e^{i θ (1 − r)},  r = exp(−e^ν)                            ν, θ ∈ R
=============  ==========================================================  ==============

``gap_angle`` scales the phase by the modulus gap 1 − r, so a mode can only rotate fast if it
forgets fast: as r → 1 the phase velocity, and with it the phase's contribution to the
sensitivity ∝ 1/(1 − r), shrinks. Each has ``f(nu, theta)``, ``d_nu``, ``d_theta`` (complex
partial derivatives ∂λ/∂ν, ∂λ/∂θ), ``inverse(lam) -> (nu, theta)``, ``modulus``, ``phase``,
``gap`` (1 − |λ|) and ``normalization`` (the LRU's γ = √(1 − |λ|²)).

Zero-order hold
---------------
:func:`zoh` maps a continuous-time eigenvalue λ (Re λ < 0) and a step Δ > 0 to
λ_d = exp(Δλ) and B̄ = (exp(Δλ) − 1)/λ (for a unit input matrix; B̄ → Δ as λ → 0), with
``expm1``; :func:`zoh_grad` gives dλ_d/dλ and dB̄/dλ with a series where Δλ is small.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from linrec._validation import as_float_array, check_choice

__all__ = [
    "Interval",
    "Reparam",
    "ComplexReparam",
    "reparam",
    "complex_reparam",
    "zoh",
    "zoh_grad",
    "REPARAM_NAMES",
    "COMPLEX_REPARAM_NAMES",
]

_NOT_A_FORMULA = ("reparam", "complex_reparam")

REPARAM_NAMES: dict[str, tuple[str, ...]] = {
    "continuous": ("direct", "exp", "softplus", "best"),
    "discrete": ("direct", "exp", "sigmoid", "tanh", "best"),
}
"""Names of the real maps per time ("lru" is accepted as an alias of discrete "exp")."""

COMPLEX_REPARAM_NAMES: tuple[str, ...] = ("lru", "polar", "gap_angle")
"""Names of the complex maps (ν, θ) → λ."""

_INF = float("inf")


@dataclass(frozen=True)
class Interval:
    """A real interval with open or closed end points.

    Parameters
    ----------
    low, high : float
        End points (``-inf``/``inf`` for unbounded).
    low_closed, high_closed : bool
        Whether the end points belong to the interval.

    Examples
    --------
    >>> I = Interval(-1.0, 1.0, False, False)
    >>> str(I), bool(I.contains(0.5)), bool(I.contains(1.0))
    ('(-1.0, 1.0)', True, False)
    """

    low: float
    high: float
    low_closed: bool = False
    high_closed: bool = False

    def contains(self, x: Any) -> np.ndarray:
        """Elementwise membership of (the real part of) ``x``.

        Parameters
        ----------
        x : array_like
            Values.

        Returns
        -------
        numpy.ndarray of bool
            Whether each value lies in the interval.

        Examples
        --------
        >>> Interval(0.0, 1.0, True, False).contains([0.0, 1.0]).tolist()
        [True, False]
        """
        x = np.real(np.asarray(x))
        lo = (x >= self.low) if self.low_closed else (x > self.low)
        hi = (x <= self.high) if self.high_closed else (x < self.high)
        return lo & hi

    def __str__(self) -> str:
        lb = "[" if self.low_closed else "("
        rb = "]" if self.high_closed else ")"
        return f"{lb}{self.low!r}, {self.high!r}{rb}"


def _check_in(x: np.ndarray, interval: Interval, name: str, what: str) -> None:
    ok = interval.contains(x)
    if not np.all(ok):
        bad = np.asarray(x)[~ok].ravel()[0]
        raise ValueError(f"{name} must lie in {interval} ({what}); got {bad!r}")


def _softplus(w: np.ndarray) -> np.ndarray:
    """log(1 + e^w) without overflow, for real or complex w (sign split on Re w)."""
    pos = np.real(w) > 0
    with np.errstate(over="ignore"):
        e = np.exp(np.where(pos, -w, w))  # |e| <= 1
    return np.where(pos, w, 0.0) + np.log1p(e)


def _sigmoid(w: np.ndarray) -> np.ndarray:
    """1/(1 + e^−w) without overflow, for real or complex w."""
    pos = np.real(w) >= 0
    e = np.exp(np.where(pos, -w, w))  # |e| <= 1
    return np.where(pos, 1.0 / (1.0 + e), e / (1.0 + e))


def _sech2(w: np.ndarray) -> np.ndarray:
    """1 − tanh(w)² = 4 e^{−2|w|} / (1 + e^{−2|w|})², real or complex (sign split on Re w)."""
    s = np.where(np.real(w) >= 0, 1.0, -1.0)
    e = np.exp(-2.0 * s * w)
    return 4.0 * e / (1.0 + e) ** 2


def _expm_exp(w: np.ndarray) -> np.ndarray:
    """exp(−e^w), underflowing cleanly to 0 for large w."""
    with np.errstate(over="ignore"):
        return np.exp(-np.exp(w))


@dataclass(frozen=True)
class Reparam:
    """A real reparameterization λ = f(w) of one eigenvalue; see the module docstring.

    Build instances with :func:`reparam`.

    Parameters
    ----------
    name : str
        Map name (see ``REPARAM_NAMES``).
    time : str
        ``"continuous"`` (stable ⇔ λ < 0) or ``"discrete"`` (stable ⇔ |λ| < 1).
    a, b : float
        Parameters of ``best`` (ignored, and stored as NaN, for the other maps).

    Attributes
    ----------
    domain : Interval
        Admissible weights w.
    range : Interval
        Values λ reached (the image of the domain).

    Examples
    --------
    >>> m = reparam("softplus", time="continuous")
    >>> round(float(m.f(0.0)), 6), str(m.range)
    (-0.693147, '(-inf, 0.0)')
    """

    name: str
    time: str
    a: float = float("nan")
    b: float = float("nan")
    domain: Interval = field(init=False)
    range: Interval = field(init=False)

    def __post_init__(self) -> None:
        check_choice(self.time, "time", ("continuous", "discrete"))
        check_choice(self.name, "name", REPARAM_NAMES[self.time])
        if self.name == "best" and not (self.a > 0 and self.b > (0.0 if self.time == "continuous" else 0.5)):
            raise ValueError(f"the 'best' map needs a > 0 and b > {0 if self.time == 'continuous' else 0.5}; "
                             f"got a = {self.a!r}, b = {self.b!r} (use reparam('best', a=..., b=...))")
        c = self.time == "continuous"
        if self.name == "direct":
            dom = Interval(-_INF, 0.0) if c else Interval(-1.0, 1.0)
            rng = dom
        elif self.name == "best":
            dom = Interval(-_INF, _INF)
            rng = Interval(-1.0 / self.b, 0.0, True, False) if c else Interval(1.0 - 1.0 / self.b, 1.0, True, False)
        else:
            dom = Interval(-_INF, _INF)
            if c:
                rng = Interval(-_INF, 0.0)
            elif self.name == "tanh":
                rng = Interval(-1.0, 1.0)
            else:
                rng = Interval(0.0, 1.0)
        object.__setattr__(self, "domain", dom)
        object.__setattr__(self, "range", rng)

    # -- helpers ---------------------------------------------------------------------------
    def _w(self, w: Any) -> np.ndarray:
        arr = as_float_array(w, "w", min_size=0)
        _check_in(arr, self.domain, "w", f"domain of the {self.time} {self.name!r} map")
        return arr

    def _q(self, w: np.ndarray) -> np.ndarray:
        return self.a * w * w + self.b

    # -- the map -------------------------------------------------------------------------
    def f(self, w: Any) -> np.ndarray:
        """Evaluate λ = f(w).

        Parameters
        ----------
        w : array_like
            Weights in :attr:`domain` (complex allowed for complex-step differentiation).

        Returns
        -------
        numpy.ndarray
            λ, same shape as ``w``.

        Examples
        --------
        >>> reparam("exp", time="discrete").f([0.0]).round(6).tolist()
        [0.367879]
        """
        w = self._w(w)
        n, c = self.name, self.time == "continuous"
        if n == "direct":
            return w.copy()
        if n == "best":
            return -1.0 / self._q(w) if c else 1.0 - 1.0 / self._q(w)
        if c:
            if n == "exp":
                return -np.exp(w)
            return -_softplus(w)  # softplus
        if n == "exp":
            return _expm_exp(w)
        if n == "sigmoid":
            return _sigmoid(w)
        return np.tanh(w)

    def df(self, w: Any) -> np.ndarray:
        """First derivative f'(w).

        Parameters
        ----------
        w : array_like
            Weights in :attr:`domain`.

        Returns
        -------
        numpy.ndarray
            f'(w).

        Examples
        --------
        >>> round(float(reparam("softplus", time="continuous").df(0.0)), 6)
        -0.5
        """
        w = self._w(w)
        n, c = self.name, self.time == "continuous"
        if n == "direct":
            return np.ones_like(w)
        if n == "best":
            return 2.0 * self.a * w / self._q(w) ** 2
        if c:
            if n == "exp":
                return -np.exp(w)
            return -_sigmoid(w)
        if n == "exp":
            with np.errstate(over="ignore"):
                return -np.exp(w - np.exp(w))
        if n == "sigmoid":
            s = _sigmoid(w)
            return s * _sigmoid(-w)
        return _sech2(w)

    def d2f(self, w: Any) -> np.ndarray:
        """Second derivative f''(w).

        Parameters
        ----------
        w : array_like
            Weights in :attr:`domain`.

        Returns
        -------
        numpy.ndarray
            f''(w).

        Examples
        --------
        >>> round(float(reparam("best", time="continuous", a=1.0, b=1.0).d2f(0.0)), 6)
        2.0
        """
        w = self._w(w)
        n, c = self.name, self.time == "continuous"
        if n == "direct":
            return np.zeros_like(w)
        if n == "best":
            q = self._q(w)
            # d/dw [2 a w q^-2] = 2a q^-2 - 8 a^2 w^2 q^-3 = 2a (b - 3 a w^2) / q^3
            return 2.0 * self.a * (self.b - 3.0 * self.a * w * w) / q**3
        if c:
            if n == "exp":
                return -np.exp(w)
            s = _sigmoid(w)
            return -s * _sigmoid(-w)
        if n == "exp":
            # f = exp(-e^w): f' = -e^w f, f'' = f e^w (e^w - 1)
            with np.errstate(over="ignore", invalid="ignore"):
                ew = np.exp(w)
                big = np.real(w) > 30.0  # expm1(w) = e^w to double precision; avoid 0 * inf
                return np.where(big, np.exp(2.0 * w - ew) - np.exp(w - ew), np.exp(w - ew) * np.expm1(w))
        if n == "sigmoid":
            s = _sigmoid(w)
            t = _sigmoid(-w)
            return s * t * (t - s)
        return -2.0 * np.tanh(w) * _sech2(w)

    def gap(self, w: Any) -> np.ndarray:
        """Distance of λ = f(w) to the stability boundary, without cancellation.

        Parameters
        ----------
        w : array_like
            Weights in :attr:`domain`.

        Returns
        -------
        numpy.ndarray
            −λ = |λ| in continuous time, 1 − |λ| in discrete time.

        Examples
        --------
        >>> float(reparam("exp", time="discrete").gap(-40.0))  # 1 - exp(-e^-40) = e^-40 (1 - ...)
        4.248354255291589e-18
        """
        w = self._w(w)
        n = self.name
        if self.time == "continuous":
            return -self.f(w)
        if n == "direct":
            return 1.0 - np.abs(w)
        if n == "exp":
            return -np.expm1(-np.exp(w))
        if n == "sigmoid":
            return _sigmoid(-w)
        if n == "tanh":
            return 2.0 * _sigmoid(-2.0 * np.abs(w))
        q = self._q(w)  # best: lam = 1 - 1/q; 1 - |lam| = 1/q if q >= 1 else 2 - 1/q
        return np.where(np.real(q) >= 1.0, 1.0 / q, 2.0 - 1.0 / q)

    def boundary_distance(self, w: Any) -> np.ndarray:
        """Signed distance d(w) to the stability boundary used by the criteria, without cancellation.

        Parameters
        ----------
        w : array_like
            Weights in :attr:`domain`.

        Returns
        -------
        numpy.ndarray
            d = −f(w) in continuous time (boundary λ = 0) and d = 1 − f(w) in discrete time
            (boundary λ = 1; d ∈ (0, 2)). Unlike :meth:`gap` it is not 1 − |λ| for λ < 0.

        Examples
        --------
        >>> float(reparam("tanh", time="discrete").boundary_distance(20.0))  # 1 - tanh(20)
        8.496708510583178e-18
        """
        w = self._w(w)
        n = self.name
        if self.time == "continuous":
            return -self.f(w)
        if n == "direct":
            return 1.0 - w
        if n == "exp":
            return -np.expm1(-np.exp(w))
        if n == "sigmoid":
            return _sigmoid(-w)
        if n == "tanh":
            return 2.0 * _sigmoid(-2.0 * w)
        return 1.0 / self._q(w)

    def inverse(self, lam: Any) -> np.ndarray:
        """Weight w with f(w) = λ (for ``best`` the branch w ≥ 0).

        Parameters
        ----------
        lam : array_like
            Real eigenvalues in :attr:`range`.

        Returns
        -------
        numpy.ndarray
            w, same shape as ``lam``.

        Examples
        --------
        >>> m = reparam("softplus", time="continuous")
        >>> round(float(m.inverse(m.f(300.0))), 9), round(float(m.inverse(m.f(-30.0))), 9)
        (300.0, -30.0)
        """
        lam = as_float_array(lam, "lam", allow_complex=False, min_size=0)
        _check_in(lam, self.range, "lam", f"range of the {self.time} {self.name!r} map")
        n, c = self.name, self.time == "continuous"
        if n == "direct":
            return lam.copy()
        if n == "best":
            # continuous: -1/q = lam -> q = -1/lam; discrete: 1 - 1/q = lam -> q = 1/(1 - lam)
            q = -1.0 / lam if c else 1.0 / (1.0 - lam)
            return np.sqrt(np.maximum(q - self.b, 0.0) / self.a)
        if c:
            s = -lam
            if n == "exp":
                return np.log(s)
            # softplus^{-1}(s) = log(expm1(s)) = s + log1p(-exp(-s))
            big = s > 1.0
            sb = np.where(big, s, 2.0)
            ss = np.where(big, 1.0, s)
            return np.where(big, sb + np.log1p(-np.exp(-sb)), np.log(np.expm1(ss)))
        if n == "exp":
            return np.log(-np.log(lam))
        if n == "sigmoid":
            return np.log(lam) - np.log1p(-lam)
        return np.arctanh(lam)


def reparam(name: str, *, time: str = "continuous", a: float = 1.0, b: float | None = None) -> Reparam:
    """Build a real reparameterization map by name.

    Parameters
    ----------
    name : str
        One of ``REPARAM_NAMES[time]`` (``"lru"`` is an alias of discrete ``"exp"``).
    time : {"continuous", "discrete"}, optional
        Continuous time (stable ⇔ λ < 0) or discrete time (stable ⇔ |λ| < 1).
    a : float, optional
        ``best`` only: a > 0 (default 1).
    b : float, optional
        ``best`` only: b > 0 in continuous time (default 0.5, the paper's choice), b > 1/2 in
        discrete time (default 1).

    Returns
    -------
    Reparam
        The map.

    Examples
    --------
    >>> m = reparam("best", time="continuous", a=2.0, b=1.0)
    >>> m.f([0.0, 1.0]).tolist()
    [-1.0, -0.3333333333333333]
    >>> reparam("lru", time="discrete").name
    'exp'
    """
    check_choice(time, "time", ("continuous", "discrete"))
    if name == "lru" and time == "discrete":
        name = "exp"
    check_choice(name, "name", REPARAM_NAMES[time])
    if name != "best":
        return Reparam(name, time)
    if b is None:
        b = 0.5 if time == "continuous" else 1.0
    for val, nm in ((a, "a"), (b, "b")):
        if isinstance(val, bool) or not isinstance(val, (int, float, np.integer, np.floating)) or not np.isfinite(val):
            raise TypeError(f"{nm} must be a finite real number; got {val!r}")
    if a <= 0:
        raise ValueError(f"a must be > 0 for the 'best' map; got {a!r}")
    if time == "continuous" and b <= 0:
        raise ValueError(f"b must be > 0 for the continuous 'best' map; got {b!r}")
    if time == "discrete" and b <= 0.5:
        raise ValueError(
            f"b must be > 1/2 for the discrete 'best' map (so that f(0) = 1 - 1/b > -1); got {b!r}"
        )
    return Reparam(name, time, float(a), float(b))


@dataclass(frozen=True)
class ComplexReparam:
    """A complex reparameterization λ = f(ν, θ) of a discrete-time eigenvalue.

    Build instances with :func:`complex_reparam`; see the module docstring for the maps.

    Parameters
    ----------
    name : str
        One of ``COMPLEX_REPARAM_NAMES``.

    Attributes
    ----------
    nu_domain, theta_domain : Interval
        Admissible ν and θ.

    Examples
    --------
    >>> m = complex_reparam("lru")
    >>> lam = m.f(0.0, 0.0)
    >>> round(float(abs(lam)), 6), round(float(np.angle(lam)), 6)
    (0.367879, 1.0)
    """

    name: str
    nu_domain: Interval = field(init=False)
    theta_domain: Interval = field(init=False)

    def __post_init__(self) -> None:
        check_choice(self.name, "name", COMPLEX_REPARAM_NAMES)
        nu = Interval(0.0, 1.0, True, False) if self.name == "polar" else Interval(-_INF, _INF)
        object.__setattr__(self, "nu_domain", nu)
        object.__setattr__(self, "theta_domain", Interval(-_INF, _INF))

    def _args(self, nu: Any, theta: Any) -> tuple[np.ndarray, np.ndarray]:
        nu = as_float_array(nu, "nu", min_size=0)
        theta = as_float_array(theta, "theta", min_size=0)
        _check_in(nu, self.nu_domain, "nu", f"domain of the complex {self.name!r} map")
        return np.broadcast_arrays(nu, theta)

    def modulus(self, nu: Any) -> np.ndarray:
        """|λ| as a function of ν alone.

        Parameters
        ----------
        nu : array_like
            Modulus weights.

        Returns
        -------
        numpy.ndarray
            r = exp(−e^ν) (``lru``, ``gap_angle``) or ν (``polar``).

        Examples
        --------
        >>> round(float(complex_reparam("lru").modulus(0.0)), 6)
        0.367879
        """
        nu = as_float_array(nu, "nu", min_size=0)
        _check_in(nu, self.nu_domain, "nu", f"domain of the complex {self.name!r} map")
        return nu.copy() if self.name == "polar" else _expm_exp(nu)

    def gap(self, nu: Any) -> np.ndarray:
        """1 − |λ| without cancellation.

        Parameters
        ----------
        nu : array_like
            Modulus weights.

        Returns
        -------
        numpy.ndarray
            1 − |λ| (−expm1(−e^ν) for ``lru`` and ``gap_angle``).

        Examples
        --------
        >>> float(complex_reparam("lru").gap(-50.0)) > 0
        True
        """
        nu = as_float_array(nu, "nu", min_size=0)
        _check_in(nu, self.nu_domain, "nu", f"domain of the complex {self.name!r} map")
        return 1.0 - nu if self.name == "polar" else -np.expm1(-np.exp(nu))

    def normalization(self, nu: Any) -> np.ndarray:
        """LRU input normalization γ = √(1 − |λ|²), computed from ν without cancellation.

        Parameters
        ----------
        nu : array_like
            Modulus weights.

        Returns
        -------
        numpy.ndarray
            γ = √(−expm1(−2e^ν)) (``lru``, ``gap_angle``) or √((1 − ν)(1 + ν)) (``polar``).
            Scaling the input by γ makes E|h|² = γ²/(1 − |λ|²) = 1 for unit white noise.

        Examples
        --------
        >>> g = complex_reparam("lru").normalization(-30.0)  # 1 - |lam| ~ e^-30
        >>> bool(abs(float(g) / np.sqrt(2 * np.exp(-30.0)) - 1) < 1e-12)
        True
        """
        nu = as_float_array(nu, "nu", min_size=0)
        _check_in(nu, self.nu_domain, "nu", f"domain of the complex {self.name!r} map")
        if self.name == "polar":
            return np.sqrt((1.0 - nu) * (1.0 + nu))
        with np.errstate(over="ignore"):
            return np.sqrt(-np.expm1(-2.0 * np.exp(nu)))

    def phase(self, nu: Any, theta: Any) -> np.ndarray:
        """arg λ (unwrapped) as a function of (ν, θ).

        Parameters
        ----------
        nu : array_like
            Modulus weights.
        theta : array_like
            Phase weights.

        Returns
        -------
        numpy.ndarray
            e^θ (``lru``), θ (``polar``), θ(1 − r) (``gap_angle``).

        Examples
        --------
        >>> float(complex_reparam("gap_angle").phase(0.0, 2.0).round(6))
        1.264241
        """
        nu, theta = self._args(nu, theta)
        if self.name == "lru":
            return np.exp(theta)
        if self.name == "polar":
            return theta.copy()
        return theta * (-np.expm1(-np.exp(nu)))

    def f(self, nu: Any, theta: Any) -> np.ndarray:
        """λ = f(ν, θ) (complex128).

        Parameters
        ----------
        nu : array_like
            Modulus weights (broadcast against ``theta``).
        theta : array_like
            Phase weights.

        Returns
        -------
        numpy.ndarray
            Complex λ.

        Examples
        --------
        >>> complex(complex_reparam("polar").f(0.5, np.pi / 2).round(12))
        0.5j
        """
        nu, theta = self._args(nu, theta)
        if self.name == "lru":
            with np.errstate(over="ignore"):
                return np.exp(-np.exp(nu) + 1j * np.exp(theta))
        if self.name == "polar":
            return nu * np.exp(1j * theta)
        with np.errstate(over="ignore"):
            en = np.exp(nu)
        return np.exp(-en + 1j * theta * (-np.expm1(-en)))

    def d_nu(self, nu: Any, theta: Any) -> np.ndarray:
        """∂λ/∂ν (complex).

        Parameters
        ----------
        nu : array_like
            Modulus weights.
        theta : array_like
            Phase weights.

        Returns
        -------
        numpy.ndarray
            −e^ν λ (``lru``); e^{iθ} (``polar``); λ e^ν (−1 + iθ r) (``gap_angle``).

        Examples
        --------
        >>> complex(complex_reparam("polar").d_nu(0.5, 0.0))
        (1+0j)
        """
        nu, theta = self._args(nu, theta)
        lam = self.f(nu, theta)
        if self.name == "lru":
            return -np.exp(nu) * lam
        if self.name == "polar":
            return np.exp(1j * theta)
        en = np.exp(nu)
        return lam * en * (-1.0 + 1j * theta * np.exp(-en))

    def d_theta(self, nu: Any, theta: Any) -> np.ndarray:
        """∂λ/∂θ (complex).

        Parameters
        ----------
        nu : array_like
            Modulus weights.
        theta : array_like
            Phase weights.

        Returns
        -------
        numpy.ndarray
            i e^θ λ (``lru``); iλ (``polar``); iλ(1 − r) (``gap_angle``).

        Examples
        --------
        >>> complex(complex_reparam("polar").d_theta(0.5, 0.0))
        0.5j
        """
        nu, theta = self._args(nu, theta)
        lam = self.f(nu, theta)
        if self.name == "lru":
            return 1j * np.exp(theta) * lam
        if self.name == "polar":
            return 1j * lam
        return 1j * lam * (-np.expm1(-np.exp(nu)))

    def inverse(self, lam: Any) -> tuple[np.ndarray, np.ndarray]:
        """Weights (ν, θ) with f(ν, θ) = λ.

        Parameters
        ----------
        lam : array_like
            Complex eigenvalues with 0 < |λ| < 1 (``polar``: 0 ≤ |λ| < 1).

        Returns
        -------
        nu, theta : numpy.ndarray
            ``lru``: ν = log(−log|λ|), θ = log(arg λ) with arg λ taken in (0, 2π];
            ``polar``: ν = |λ|, θ = arg λ in (−π, π]; ``gap_angle``: ν as for ``lru`` and
            θ = arg λ/(1 − |λ|) with arg λ in (−π, π].

        Examples
        --------
        >>> m = complex_reparam("lru")
        >>> nu, th = m.inverse(m.f(0.3, -0.2))
        >>> round(float(nu), 9), round(float(th), 9)
        (0.3, -0.2)
        """
        lam = np.asarray(as_float_array(lam, "lam", min_size=0), dtype=np.complex128)
        mod = np.abs(lam)
        lo = 0.0 if self.name == "polar" else np.nextafter(0.0, 1.0)
        _check_in(mod, Interval(lo, 1.0, True, False), "|lam|", f"range of the complex {self.name!r} map")
        ang = np.angle(lam)
        if self.name == "polar":
            return mod, ang
        nu = np.log(-np.log(mod))
        if self.name == "lru":
            ang = np.where(ang <= 0.0, ang + 2.0 * np.pi, ang)
            return nu, np.log(ang)
        return nu, ang / (-np.expm1(-np.exp(nu)))


def complex_reparam(name: str) -> ComplexReparam:
    """Build a complex reparameterization (ν, θ) → λ by name.

    Parameters
    ----------
    name : str
        ``"lru"``, ``"polar"`` or ``"gap_angle"``.

    Returns
    -------
    ComplexReparam
        The map.

    Examples
    --------
    >>> complex_reparam("gap_angle").name
    'gap_angle'
    """
    return ComplexReparam(name)


def zoh(lam_c: Any, delta: Any) -> tuple[np.ndarray, np.ndarray]:
    """Zero-order-hold discretization of a diagonal continuous-time mode.

    Parameters
    ----------
    lam_c : array_like
        Continuous-time eigenvalues (real or complex) with Re λ ≤ 0.
    delta : array_like
        Step sizes Δ > 0 (broadcast against ``lam_c``).

    Returns
    -------
    lam_d : numpy.ndarray
        exp(Δλ).
    bbar : numpy.ndarray
        (exp(Δλ) − 1)/λ, equal to Δ at λ = 0 (input matrix B = 1; multiply by B otherwise).

    Notes
    -----
    For ḣ = λh + u with u constant on [kΔ, (k+1)Δ): h_{k+1} = e^{Δλ} h_k + B̄ u_k with
    B̄ = ∫_0^Δ e^{λs} ds = (e^{Δλ} − 1)/λ = Δ·expm1(Δλ)/(Δλ). ``expm1`` keeps full relative
    precision when |Δλ| ≪ 1, where e^{Δλ} − 1 would cancel.

    References
    ----------
    .. [1] A. Gu, K. Goel, C. Ré, "Efficiently modeling long sequences with structured state
       spaces", ICLR 2022, Sec. 2 (bilinear and ZOH discretization).
    .. [2] S. Wang, Q. Li, "StableSSM: alleviating the curse of memory in state-space models
       through stable reparameterization", ICML 2024, Sec. 2.

    Examples
    --------
    >>> lam_d, bbar = zoh(-1e-12, 1.0)
    >>> float(lam_d), float(bbar)
    (0.999999999999, 0.9999999999995)
    """
    lam = as_float_array(lam_c, "lam_c", min_size=0)
    d = as_float_array(delta, "delta", allow_complex=False, min_size=0)
    if np.any(np.real(lam) > 0):
        raise ValueError("lam_c must have Re(lam_c) <= 0 (a stable continuous-time mode)")
    if np.any(d <= 0):
        raise ValueError(f"delta must be > 0; got {float(np.min(d))!r}")
    lam, d = np.broadcast_arrays(lam, d)
    x = d * lam
    lam_d = np.exp(x)
    zero = lam == 0
    safe = np.where(zero, 1.0, lam)
    bbar = np.where(zero, d, np.expm1(x) / safe)
    return lam_d, bbar


def _g_series(x: np.ndarray) -> np.ndarray:
    """(x e^x − e^x + 1)/x² = Σ_{k≥2} (k−1) x^{k−2} / k!, summed for |x| ≤ 0.5 (error < 1e-17)."""
    total = np.zeros_like(x)
    term_fact = 1.0
    for k in range(2, 24):
        term_fact *= k
        total = total + (k - 1) * x ** (k - 2) / term_fact
    return total


def zoh_grad(lam_c: Any, delta: Any) -> tuple[np.ndarray, np.ndarray]:
    """Derivatives of the ZOH pair with respect to the continuous eigenvalue λ.

    For a reparameterized mode λ = f(w) multiply by ``m.df(w)`` (chain rule).

    Parameters
    ----------
    lam_c : array_like
        Continuous-time eigenvalues (real or complex) with Re λ ≤ 0.
    delta : array_like
        Step sizes Δ > 0.

    Returns
    -------
    dlam_d : numpy.ndarray
        d e^{Δλ}/dλ = Δ e^{Δλ}.
    dbbar : numpy.ndarray
        dB̄/dλ = Δ² g(Δλ) with g(x) = (x e^x − e^x + 1)/x² (g(0) = 1/2).

    Notes
    -----
    B̄(λ) = (e^{Δλ} − 1)/λ, so dB̄/dλ = (Δλ e^{Δλ} − e^{Δλ} + 1)/λ² = Δ² g(Δλ). For |Δλ| ≤ 1/2
    g is summed from its series Σ_{k≥2} (k − 1) x^{k−2}/k! = 1/2 + x/3 + x²/8 + …, which
    avoids the cancellation of the closed form near 0.

    References
    ----------
    .. [1] S. Wang, Q. Li, "StableSSM", ICML 2024, Sec. 2 (ZOH) and proof of Thm 3.6.

    Examples
    --------
    >>> dl, db = zoh_grad(0.0, 2.0)
    >>> float(dl), float(db)
    (2.0, 2.0)
    """
    lam = as_float_array(lam_c, "lam_c", min_size=0)
    d = as_float_array(delta, "delta", allow_complex=False, min_size=0)
    if np.any(np.real(lam) > 0):
        raise ValueError("lam_c must have Re(lam_c) <= 0 (a stable continuous-time mode)")
    if np.any(d <= 0):
        raise ValueError(f"delta must be > 0; got {float(np.min(d))!r}")
    lam, d = np.broadcast_arrays(lam, d)
    x = d * lam
    small = np.abs(x) <= 0.5
    xs = np.where(small, x, 0.0)
    xl = np.where(small, 1.0, x)
    with np.errstate(under="ignore"):
        g = np.where(small, _g_series(xs), (xl * np.exp(xl) - np.expm1(xl)) / (xl * xl))
    return d * np.exp(x), d * d * g
