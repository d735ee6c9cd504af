"""Figures of selective recurrences: moments against the memory gap, unitary growth, Lyapunov exponents.

Every function takes arrays and returns ``(fig, ax)``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from linrec.plotting import new_axes, style

__all__ = ["plot_moments_vs_gap", "plot_unitary_growth", "plot_lyapunov_check"]

_MARKERS = ("o", "s", "^", "D", "v", "P")
_COLORS = ("C0", "C1", "C2", "C3", "C4", "C5")


def plot_moments_vs_gap(curves: Mapping[str, tuple], *, points: Mapping[str, tuple] | None = None,
                        slopes: Mapping[str, float] | None = None, ylabel: str = r"moment", title: str | None = None,
                        ax=None):
    """Log-log curves of moments against the memory gap d = 1 − E|a|², with Monte Carlo points.

    Parameters
    ----------
    curves : mapping of str to (d, y)
        Per label, memory gaps d = 1 − E|a|² and the closed-form moments y there (lines).
    points : mapping of str to (d, mean, se), optional
        Monte Carlo estimates per label (markers with 2-standard-error bars), same labels as
        ``curves`` for matching colours.
    slopes : mapping of str to float, optional
        Reference exponents k drawn as dotted lines d^k through the first curve point of the label.
    ylabel : str, optional
        y-axis label (mathtext).
    title : str, optional
        Axes title.
    ax : matplotlib.axes.Axes, optional
        Axes to draw into.

    Returns
    -------
    fig, ax
        The figure and axes.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> d = np.logspace(-3, -1, 5)
    >>> fig, ax = plot_moments_vs_gap({"a": (d, d**-1.0)}, slopes={"a": -1})
    >>> import matplotlib.pyplot as plt; plt.close(fig)
    """
    fig, ax = new_axes(ax)
    with style():
        for i, (label, (gap, y)) in enumerate(curves.items()):
            c, mk = _COLORS[i % len(_COLORS)], _MARKERS[i % len(_MARKERS)]
            gap, y = np.asarray(gap, dtype=float), np.asarray(y, dtype=float)
            ax.loglog(gap, y, color=c, lw=1.6, marker=mk, ms=3, markevery=3, label=label)
            if slopes and label in slopes:
                k = slopes[label]
                ref = y[0] * (gap / gap[0]) ** k
                ax.loglog(gap, ref, color=c, lw=0.9, ls=":", label=rf"$\propto d^{{{k:g}}}$")
            if points and label in points:
                d, m, se = (np.asarray(v, dtype=float) for v in points[label])
                ax.errorbar(d, m, yerr=2 * se, fmt=mk, color=c, ms=4, mfc="white", capsize=2, lw=0.8)
        ax.set_xlabel(r"memory gap $1 - \mathbb{E}|a_t|^2$")
        ax.set_ylabel(ylabel)
        if title:
            ax.set_title(title, fontsize=9)
        ax.legend(fontsize=7)
    return fig, ax


def plot_unitary_growth(T, state, sens, sens_pred, *, ax=None):
    """E|h_T|² and E|∂h_T/∂θ|² of a unitary mode against T, with the cubic closed form.

    Parameters
    ----------
    T : array_like, shape (K,)
        Horizons.
    state : array_like, shape (K,)
        E|h_T|² (exact).
    sens : array_like, shape (K,)
        E|∂h_T/∂θ|² (exact finite-T moments).
    sens_pred : array_like, shape (K,)
        The closed form E[Δ]²(T−1)T(2T−1)/6 + Var(Δ) T(T−1)/2.
    ax : matplotlib.axes.Axes, optional
        Axes to draw into.

    Returns
    -------
    fig, ax
        The figure and axes.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> T = np.array([10.0, 100.0])
    >>> fig, ax = plot_unitary_growth(T, T, T**3 / 3, T**3 / 3)
    >>> import matplotlib.pyplot as plt; plt.close(fig)
    """
    T = np.asarray(T, dtype=float)
    fig, ax = new_axes(ax)
    with style():
        ax.loglog(T, state, "o-", color="C0", ms=4, label=r"$\mathbb{E}|h_T|^2$ (norm kept: $= T$)")
        ax.loglog(T, sens, "s", color="C3", ms=5, mfc="white",
                  label=r"$\mathbb{E}|\partial h_T/\partial\theta|^2$ (exact)")
        ax.loglog(T, sens_pred, "-", color="C3", lw=1, label=r"closed form $\sim T^3/3$")
        ax.set_xlabel(r"horizon $T$")
        ax.set_ylabel(r"second moment")
        ax.set_title(r"unitary mode $a_t = e^{i\theta\Delta_t}$", fontsize=9)
        ax.legend(fontsize=7)
    return fig, ax


def plot_lyapunov_check(predicted, measured, se, *, labels=None, ax=None):
    """Measured Lyapunov exponents (Benettin QR) against E[log|a|], with 2-SE bars.

    Parameters
    ----------
    predicted : array_like, shape (K,)
        E[log|a|] per state coordinate.
    measured : array_like, shape (K,)
        Time averages from the Jacobian product.
    se : array_like, shape (K,)
        Their standard errors.
    labels : sequence of str, optional
        Legend label of the points.
    ax : matplotlib.axes.Axes, optional
        Axes to draw into.

    Returns
    -------
    fig, ax
        The figure and axes.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> fig, ax = plot_lyapunov_check([-1.0, -0.5], [-1.01, -0.49], [0.01, 0.01])
    >>> import matplotlib.pyplot as plt; plt.close(fig)
    """
    p, m, s = (np.asarray(v, dtype=float) for v in (predicted, measured, se))
    fig, ax = new_axes(ax)
    with style():
        lo, hi = float(min(p.min(), m.min())), float(max(p.max(), m.max()))
        pad = 0.05 * (hi - lo + 1e-12)
        ax.plot([lo - pad, hi + pad], [lo - pad, hi + pad], color="0.5", lw=1, ls="--", label="equality")
        ax.errorbar(p, m, yerr=2 * s, fmt="o", color="C0", ms=4, capsize=2,
                    label=labels or r"S6 states (Benettin QR, $\pm 2$ SE)")
        ax.set_xlabel(r"$\mathbb{E}[\log|a_t|] = A\,\mathbb{E}[\Delta_t]$")
        ax.set_ylabel(r"measured Lyapunov exponent")
        ax.legend(fontsize=7)
    return fig, ax
