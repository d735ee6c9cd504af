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
    "REPARAM_NAMES",
    "ComplexReparam",
    "Interval",
    "Reparam",
    "complex_reparam",
    "reparam",
    "zoh",
    "zoh_grad",
]

_LAZY = ("symbolic", "criteria", "approximation")


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return importlib.import_module(f"linrec.reparam.{name}")
    raise AttributeError(f"module 'linrec.reparam' has no attribute {name!r}")
