"""Selective recurrences: the curse of memory and Jacobians when gates depend on the input.

h_t = a_t ⊙ h_{t-1} + b_t with a_t, b_t functions of a random driver (random step sizes Δ_t, or
the input x_t itself as in Mamba's S6 and minGRU):

* :mod:`linrec.selective.laws` — laws of the driver (finite: exact sums; continuous: quadrature);
* :mod:`linrec.selective.gates` — scalar gates: :class:`RandomStepGate` (a_t = λ^{Δ_t}, input
  independent of the gate), :class:`S6Gate` (Mamba), :class:`MinGRUGate`;
* :mod:`linrec.selective.moments` — exact stationary and finite-T second moments and
  sensitivities E[(∂h/∂p)²] from the joint moment recursion of (h, ∂h/∂p); memory gap
  1 − E|a|², Lyapunov exponent E[log|a|], asymptotic exponents;
* :mod:`linrec.selective.montecarlo` — simulation of (h, ∂h/∂p) with standard errors;
* :mod:`linrec.selective.cells` — per-step Jacobians of S6, Mamba-2 heads, minGRU and minLSTM
  with respect to state, input and parameters (gate path included).

Examples
--------
>>> from linrec.selective import RandomStepGate, state_moment, sensitivity
>>> g = RandomStepGate([0.5, 1.5], gap=0.01)          # steps 0.5 or 1.5, mean 1
>>> round(state_moment(g), 3), round(sensitivity(g, "lam"), 1)
(50.377, 251262.6)
"""

from linrec.selective.cells import (
    accumulate_parameter_gradient,
    mamba2_jacobians,
    mamba2_trajectory,
    mingru_jacobians,
    mingru_trajectory,
    minlstm_jacobians,
    minlstm_trajectory,
    s6_jacobians,
    s6_trajectory,
)
from linrec.selective.gates import GateTerms, MinGRUGate, RandomStepGate, S6Gate
from linrec.selective.laws import ContinuousLaw, DiscreteLaw, as_law, gaussian_law
from linrec.selective.moments import (
    GateMoments,
    asymptotic_exponents,
    finite_moments,
    gate_moments,
    lyapunov_exponent,
    memory_gap,
    sensitivity,
    state_moment,
)
from linrec.selective.montecarlo import mc_moments, simulate_channel

__all__ = [
    "ContinuousLaw", "DiscreteLaw", "as_law", "gaussian_law",
    "GateTerms", "RandomStepGate", "S6Gate", "MinGRUGate",
    "GateMoments", "gate_moments", "memory_gap", "lyapunov_exponent", "state_moment", "sensitivity",
    "finite_moments", "asymptotic_exponents", "simulate_channel", "mc_moments",
    "s6_trajectory", "s6_jacobians", "mamba2_trajectory", "mamba2_jacobians", "mingru_trajectory",
    "mingru_jacobians", "minlstm_trajectory", "minlstm_jacobians", "accumulate_parameter_gradient",
]
