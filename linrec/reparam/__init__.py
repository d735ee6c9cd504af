"""Stable reparameterizations λ = f(w) of recurrent eigenvalues (StableSSM, LRU).

Quick reference
---------------
>>> from linrec.reparam import reparam, complex_reparam, zoh, REPARAM_NAMES
>>> m = reparam("softplus", time="continuous")      # also a=..., b=... for "best"
>>> lam = m.f([-1.0, 0.0, 300.0])                     # arrays in, arrays out
>>> dlam, d2lam, w = m.df(0.0), m.d2f(0.0), m.inverse(lam)
>>> m.name, m.time, str(m.domain), str(m.range)
('softplus', 'continuous', '(-inf, inf)', '(-inf, 0.0)')
>>> REPARAM_NAMES["discrete"]
('direct', 'exp', 'sigmoid', 'tanh', 'best')

* :mod:`linrec.reparam.maps` — the maps. Real: :func:`reparam(name, time=..., a=, b=)
  <linrec.reparam.maps.reparam>` returns a frozen :class:`Reparam` with ``f, df, d2f,
  inverse, gap`` (gap = distance to the stability boundary, computed without cancellation)
  and ``domain``/``range`` (:class:`Interval`). Continuous time (λ < 0): ``direct`` (w),
  ``exp`` (−e^w), ``softplus`` (−log(1+e^w)), ``best`` (−1/(a w² + b)). Discrete time
  (|λ| < 1): ``direct``, ``exp`` a.k.a. ``lru`` (exp(−e^w)), ``sigmoid``, ``tanh``, ``best``
  (1 − 1/(a w² + b), b > 1/2). Complex: :func:`complex_reparam(name)
  <linrec.reparam.maps.complex_reparam>` returns a :class:`ComplexReparam` with
  ``f(nu, theta)``, ``d_nu``, ``d_theta`` (complex partials), ``inverse(lam) -> (nu, theta)``,
  ``modulus``, ``phase``, ``gap``; names ``lru`` (exp(−e^ν + i e^θ)), ``polar`` (ν e^{iθ}),
  ``gap_angle`` (r e^{iθ(1−r)}, r = exp(−e^ν)). :func:`zoh(lam_c, delta) -> (lam_d, bbar)
  <linrec.reparam.maps.zoh>` and :func:`zoh_grad` (derivatives wrt λ).
  Out-of-domain input raises ``ValueError``.
* :mod:`linrec.reparam.discretization` — discretization atlas of a mode h' = a h + B u with step
  Δ: :func:`discretize(a, delta, method) -> (lam, bbar) <linrec.reparam.discretization.discretize>`
  for ``DISCRETIZATIONS`` = zoh, bilinear, forward_euler, backward_euler, zoh_euler (Mamba's
  ZOH for A, Euler for B); :func:`discretize_grad`, :func:`stability_region`,
  :func:`discretization_gap` (1 − |λ| without cancellation), the curse-of-memory sensitivity
  of the discretized mode and its exponents, and :func:`discretize_reparam` (λ_d = ψ(Δ f(w)),
  a discrete :class:`Reparam` the criteria accept).
* :mod:`linrec.reparam.criteria` — gradient scale, gradient-over-weight ratio, boundary
  exponent, stability function S_f(β), the Thm 3.6 gradient identity.
* :mod:`linrec.reparam.approximation` — memory kernels, L² exponential fits, stability
  margin, perturbation error (StableSSM Thm 3.3/3.5).
* :mod:`linrec.reparam.symbolic` (imports sympy; not imported by this package eagerly) —
  symbolic exponent limits, closed-form S_f, ``derive_reparam``.
"""

from __future__ import annotations

import importlib
from typing import Any

from linrec.reparam.discretization import (
    DISCRETIZATIONS,
    discretization_gap,
    discretize,
    discretize_grad,
    discretize_reparam,
    stability_region,
)
from linrec.reparam.maps import (
    COMPLEX_REPARAM_NAMES,
    REPARAM_NAMES,
    ComplexReparam,
    Interval,
    Reparam,
    complex_reparam,
    reparam,
    zoh,
    zoh_grad,
)

__all__ = [
    "COMPLEX_REPARAM_NAMES",
    "DISCRETIZATIONS",
    "REPARAM_NAMES",
    "ComplexReparam",
    "Interval",
    "Reparam",
    "complex_reparam",
    "discretization_gap",
    "discretize",
    "discretize_grad",
    "discretize_reparam",
    "reparam",
    "stability_region",
    "zoh",
    "zoh_grad",
]

_LAZY = ("symbolic", "criteria", "approximation")


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return importlib.import_module(f"linrec.reparam.{name}")
    raise AttributeError(f"module 'linrec.reparam' has no attribute {name!r}")
