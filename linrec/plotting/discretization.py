"""Figures for the discretization atlas (:mod:`linrec.reparam.discretization`).

Data in, ``(fig, ax)`` out; the eigenvalues and sensitivities are computed beforehand.
"""

from __future__ import annotations

import numpy as np

from linrec.plotting import new_axes, style

__all__ = ["plot_eigenvalue_curves", "plot_sensitivity_growth"]


def plot_eigenvalue_curves(x, curves, *, xlabel=r"$z=\Delta a$", ylabel=r"$\lambda$", unit=(-1.0, 1.0),
                           ylim=None, ax=None, title=None):
    """λ = ψ(z) (or |λ|) along a line of the z-plane, one curve per discretization.

    Parameters
    ----------
    x : array_like
        Abscissa (e.g. real z, or Im z).
    curves : mapping of str to array_like
        Label -> values on ``x``; a label starting with ``"--"`` is drawn dashed (prefix stripped).
    xlabel, ylabel : str, optional
        Axis labels (mathtext).
    unit : tuple of float or None, optional
        Horizontal reference lines (the stability boundary, default ±1); None for none.
    ylim : tuple of float, optional
        y limits.
    ax : matplotlib.axes.Axes, optional
        Axes to draw into.
    title : str, optional
        Axes title.

    Returns
    -------
    fig : matplotlib.figure.Figure
        The figure.
    ax : matplotlib.axes.Axes
        The axes.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> z = np.linspace(-4, 0, 5)
    >>> fig, ax = plot_eigenvalue_curves(z, {"zoh": np.exp(z), "--forward Euler": 1 + z})
    >>> len(ax.lines)  # two curves and two reference lines
    4
    >>> plt.close(fig)
    """
    with style():
        fig, ax = new_axes(ax)
        x = np.asarray(x, float)
        for label, y in curves.items():
            ls = "--" if label.startswith("--") else "-"
            ax.plot(x, np.asarray(y, float), ls, label=label.lstrip("-"))
        for level in unit or ():
            ax.axhline(level, color="0.5", lw=0.8, ls=":")
        if ylim is not None:
            ax.set_ylim(*ylim)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        if title:
            ax.set_title(title)
        ax.legend()
    return fig, ax


def plot_sensitivity_growth(gaps, values, *, slopes=None, xlabel=r"$1-|\lambda|$",
                            ylabel=r"$\mathbb{E}[(\partial h/\partial a)^2]$", ax=None, title=None):
    """Log-log sensitivity against the gap 1 − |λ| as the memory grows, one curve per method.

    Parameters
    ----------
    gaps : mapping of str to array_like
        Label -> 1 − |λ| values (decreasing toward the boundary).
    values : mapping of str to array_like
        Label -> sensitivities on those gaps (same labels; ``"--"`` prefix: dashed).
    slopes : mapping of str to tuple, optional
        Label -> (k, x0, y0): dotted reference y = y0 (x/x0)^k.
    xlabel, ylabel : str, optional
        Axis labels (mathtext).
    ax : matplotlib.axes.Axes, optional
        Axes to draw into.
    title : str, optional
        Axes title.

    Returns
    -------
    fig : matplotlib.figure.Figure
        The figure.
    ax : matplotlib.axes.Axes
        The axes.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> g = np.logspace(-6, -1, 6)
    >>> ref = {r"$\\propto g^{-3}$": (-3, 1e-6, 1e18)}
    >>> fig, ax = plot_sensitivity_growth({"zoh": g}, {"zoh": g ** -3.0}, slopes=ref)
    >>> len(ax.lines)
    2
    >>> plt.close(fig)
    """
    with style():
        fig, ax = new_axes(ax)
        xs = []
        for label, y in values.items():
            x = np.asarray(gaps[label], float)
            xs.append(x)
            ls = "--" if label.startswith("--") else "-"
            ax.plot(x, np.asarray(y, float), ls, label=label.lstrip("-"))
        xa = np.concatenate(xs) if xs else np.ones(1)
        for label, (k, x0, y0) in (slopes or {}).items():
            xr = np.array([xa.min(), xa.max()])
            ax.plot(xr, y0 * (xr / x0) ** k, ":", color="0.3", lw=1.2, label=label)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.invert_xaxis()
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        if title:
            ax.set_title(title)
        ax.legend()
    return fig, ax
