"""A^n growth: random ensembles, numeric norms of powers, pseudospectra; sympy closed forms.

``linrec.growth.symbolic`` (sympy) is loaded lazily on first attribute access so that
importing :mod:`linrec.growth` never imports sympy.
"""

from __future__ import annotations

import importlib

from linrec.growth.ensembles import ginibre, glorot_dense, haar_orthogonal, haar_unitary, ring_uniform
from linrec.growth.numeric import (
    DiagonalSystem,
    KreissResult,
    TransientPeak,
    dense_to_diagonal,
    diagonal_to_dense,
    kreiss_constant,
    numerical_radius,
    power_norms,
    pseudospectra,
    pseudospectral_radius,
    spectral_radius,
    transient_peak,
)

__all__ = [
    "glorot_dense",
    "haar_orthogonal",
    "haar_unitary",
    "ring_uniform",
    "ginibre",
    "spectral_radius",
    "power_norms",
    "TransientPeak",
    "transient_peak",
    "numerical_radius",
    "KreissResult",
    "kreiss_constant",
    "pseudospectra",
    "pseudospectral_radius",
    "DiagonalSystem",
    "dense_to_diagonal",
    "diagonal_to_dense",
]


def __getattr__(name):
    if name == "symbolic":
        return importlib.import_module("linrec.growth.symbolic")
    raise AttributeError(f"module 'linrec.growth' has no attribute {name!r}")
