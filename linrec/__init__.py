"""linrec: executable theory of linear recurrent systems.

linrec checks theoretical claims about recurrent networks three ways that do not share code
paths: closed forms (sympy, evaluated stably and checked against mpmath), exact numerics
(scans, linear algebra) and simulation (Monte Carlo or small training runs with hand-written
gradients).

Subpackages are loaded on first attribute access (``linrec.memory``, ``linrec.models``, ...), so
``import linrec`` stays cheap. Importing ``linrec`` imports neither matplotlib nor sympy, sets no
global state and changes no rcParams; symbolic modules (``linrec.*.symbolic``) and
``linrec.plotting`` are imported explicitly by the user.

==================  ==========================================================================
``scan``            h_t = a_t h_{t-1} + b_t: sequential, lfilter, chunked, tree, log; adjoint
``growth``          A^n: closed forms, power norms, numerical radius, Kreiss, pseudospectra
``jacobians``       per-step Jacobians of cells, products, Pascanu bounds, Lyapunov spectra
``memory``          the curse of memory: moments, sensitivities, population loss, Hessians
``reparam``         stable reparameterizations λ = f(w), criteria, discretizations, approximation
``selective``       input-dependent gates (S6, minGRU): exact moments, sensitivities, Jacobians
``models``          recurrent models with hand-written exact gradients
``optim``           sgd, momentum, adam, adamw, clipping, schedules (pure init/update pairs)
``tasks``           teacher–student, linear functionals, Pascanu's tasks, copy tasks
``train``           training loop returning a History; divergence handling
``sweep``           resumable parameter sweeps over any concurrent.futures.Executor
``experiments``     the papers' training protocols (used by papers/ scripts and claim tests)
``io``              the only module touching the filesystem
``testing``         gradient checks and claim records
==================  ==========================================================================
"""

from __future__ import annotations

import importlib
from typing import Any

from linrec._validation import LinrecWarning

__version__ = "0.1.0"

_SUBMODULES = (
    "scan", "growth", "jacobians", "memory", "reparam", "selective", "models", "optim", "tasks", "train",
    "sweep", "experiments", "io", "testing",
)

__all__ = ["LinrecWarning", "__version__", *_SUBMODULES]


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        module = importlib.import_module(f"linrec.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'linrec' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
