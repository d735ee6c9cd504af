"""The curse of memory: exact sensitivity of recurrent states and losses as memory grows.

Zucchet & Orvieto (2024) show that for the recurrence ``h_t = lam h_{t-1} + x_t`` the hidden
state, and hence the loss, becomes ever more sensitive to ``lam`` as ``|lam| -> 1`` even when
gradients neither vanish nor explode. This package makes every statement an exact computation:

* :mod:`linrec.memory.numeric` -- stable closed forms of the stationary moments and
  sensitivities, exact finite-``T`` sums, stationary covariances, the exact white-noise
  population loss of a linear student against a linear teacher, its gradient and its
  Gauss--Newton Hessian at the optimum, and Hessian-structure diagnostics;
* :mod:`linrec.memory.montecarlo` -- simulation of the recurrence and of its forward-mode
  sensitivity, with standard errors;
* :mod:`linrec.memory.symbolic` -- generating functions, closed forms and asymptotic exponents
  with sympy (imported lazily: ``import linrec.memory.symbolic`` or ``linrec.memory.symbolic``).

Normalization modes
-------------------
``h_t = lam h_{t-1} + gamma x_t`` with ``gamma = sqrt(1 - |lam|^2)``:

* ``normalization="function"``: gamma is a *function* of lam, so d h / d lam contains the term
  ``gamma'(lam) x``-driven part ``gamma' g`` (g the unnormalized state);
* ``normalization="independent"``: gamma is a separate parameter (as in the LRU) that happens
  to equal ``sqrt(1 - |lam|^2)`` at the point of evaluation; d h / d lam = gamma d g / d lam.

Real-output rule
----------------
For complex lam the output is ``y = Re(h)`` and second moments follow
``E[Re u Re v] = 1/2 Re(E[u v] + E[u conj(v)])`` -- not ``E|h|^2`` (available as
``output="modulus"``).
"""

from __future__ import annotations

from linrec.memory.numeric import *  # noqa: F401,F403
from linrec.memory.numeric import __all__ as _numeric_all

__all__ = list(_numeric_all)


def __getattr__(name):  # lazy access to the sympy-based and simulation submodules
    import importlib

    if name in ("symbolic", "montecarlo"):
        return importlib.import_module(f"linrec.memory.{name}")
    raise AttributeError(f"module 'linrec.memory' has no attribute {name!r}")
