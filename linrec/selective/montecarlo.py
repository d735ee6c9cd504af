"""Monte Carlo simulation of a selective channel and of its forward-mode sensitivity.

Independent of the moment recursions: draws drivers from the gate's law, runs

    h_t = a_t h_{t-1} + b_t,   s_t = a'_t h_{t-1} + a_t s_{t-1} + b'_t

over ``n`` sequences and reports sample means of (Re h_T)², |h_T|², (Re s_T)², |s_T|² with their
standard errors.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from linrec._validation import as_rng, check_positive_int
from linrec.memory.montecarlo import MCEstimate
from linrec.selective.moments import gate_moments

__all__ = ["simulate_channel", "mc_moments"]


def simulate_channel(gate: Any, T: int, n: int, param: str | None = None, *, normalization: str | None = None,
                     rng: Any = None) -> tuple[np.ndarray, np.ndarray]:
    """Simulate n independent sequences of a selective channel from h_0 = s_0 = 0.

    Parameters
    ----------
    gate : gate object
        A gate of :mod:`linrec.selective.gates`.
    T : int
        Number of steps.
    n : int
        Number of sequences.
    param : str, optional
        Parameter of the forward-mode sensitivity s_t = ∂h_t/∂p.
    normalization : {None, 'function', 'independent'}, optional
        Input normalization γ = sqrt(1 − E|a|²) (random gates with independent input only;
        γ and γ' come from :func:`linrec.selective.gate_moments`).
    rng : numpy.random.Generator or int, optional
        Randomness (drivers and, for independent-input gates, Gaussian inputs N(0, σ²)).

    Returns
    -------
    h_T, s_T : numpy.ndarray, shape (n,)
        Final states and sensitivities (zeros without ``param``).

    Notes
    -----
    For independent-input gates x_t ~ N(0, σ²): the second moments depend on the input only
    through E x = 0 and E x² = σ², so any white law gives the same moments.

    Examples
    --------
    >>> from linrec.selective import RandomStepGate
    >>> h, s = simulate_channel(RandomStepGate([1.0], lam=0.5), 50, 4, "lam", rng=0)
    >>> h.shape, s.shape
    ((4,), (4,))
    """
    T = check_positive_int(T, "T")
    n = check_positive_int(n, "n")
    rng = as_rng(rng)
    m = gate_moments(gate, param, normalization=normalization)
    independent = gate.input_variance is not None
    dt = complex if gate.is_complex else float
    h = np.zeros(n, dt)
    s = np.zeros(n, dt)
    for _ in range(T):
        xi = gate.law.sample(n, rng)
        t = gate.terms(xi, param)
        if independent:
            x = np.sqrt(gate.input_variance) * rng.standard_normal(n)
            b = m.gamma * t.b * x
            db = (m.gamma * t.db + m.dgamma * t.b) * x
        else:
            b, db = t.b, t.db
        s = t.da * h + t.a * s + db
        h = t.a * h + b
    return h, s


def mc_moments(gate: Any, T: int, n: int, param: str | None = None, *, normalization: str | None = None,
               rng: Any = None, batch: int = 4096) -> dict[str, MCEstimate]:
    """Monte Carlo estimates of the second moments of h_T and ∂h_T/∂p.

    Parameters
    ----------
    gate : gate object
        A gate of :mod:`linrec.selective.gates`.
    T : int
        Horizon.
    n : int
        Number of independent sequences.
    param : str, optional
        Parameter of the sensitivity.
    normalization : {None, 'function', 'independent'}, optional
        Input normalization (random gates with independent input only).
    rng : numpy.random.Generator or int, optional
        Randomness.
    batch : int, optional
        Sequences simulated at once.

    Returns
    -------
    dict of MCEstimate
        ``'state_real'`` E[(Re h_T)²], ``'state_modulus'`` E|h_T|², ``'sens_real'``,
        ``'sens_modulus'``, each with its standard error (sample std/sqrt(n)).

    Examples
    --------
    >>> from linrec.selective import RandomStepGate
    >>> est = mc_moments(RandomStepGate([1.0], lam=0.5), 40, 20000, rng=1)
    >>> abs(est["state_real"].mean - 4 / 3) < 5 * est["state_real"].se
    True
    """
    n = check_positive_int(n, "n")
    batch = check_positive_int(batch, "batch")
    rng = as_rng(rng)
    parts: dict[str, list[np.ndarray]] = {k: [] for k in ("state_real", "state_modulus", "sens_real", "sens_modulus")}
    done = 0
    while done < n:
        k = min(batch, n - done)
        h, s = simulate_channel(gate, T, k, param, normalization=normalization, rng=rng)
        parts["state_real"].append(np.real(h) ** 2)
        parts["state_modulus"].append(np.abs(h) ** 2)
        parts["sens_real"].append(np.real(s) ** 2)
        parts["sens_modulus"].append(np.abs(s) ** 2)
        done += k
    out = {}
    for key, chunks in parts.items():
        v = np.concatenate(chunks)
        se = float(np.std(v, ddof=1) / np.sqrt(v.size)) if v.size > 1 else float("nan")
        out[key] = MCEstimate(float(np.mean(v)), se, int(v.size))
    return out
