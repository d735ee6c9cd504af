"""Figures for Jacobian products: gradient norm vs horizon, vanishing/exploding regions, Lyapunov.

Data in, ``(fig, ax)`` out; the math is computed by :mod:`linrec.jacobians` beforehand.
"""

from __future__ import annotations

import numpy as np

from linrec.plotting import new_axes, style

__all__ = ["plot_gradient_norms", "plot_growth_regions", "plot_lyapunov"]


def plot_gradient_norms(k, curves, *, bounds=None, ax=None, title=None, ylabel=None):
    """Plot ||dh_T/dh_(T-k)|| against the horizon k (log scale), with bounds dashed.

    Parameters
    ----------
    k : array_like, shape (m,)
        Horizons.
    curves : mapping of str to array_like
        Label -> natural log of the norms, shape (m,) or (n_traj, m) (several trajectories
        drawn thin in one colour, label on the first).
    bounds : mapping of str to array_like, optional
        Label -> natural log of a bound, shape (m,), drawn dashed.
    ax : matplotlib.axes.Axes, optional
        Axes to draw into.
    title : str, optional
        Axes title.
    ylabel : str, optional
        y-axis label (default: the gradient norm).

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
    >>> k = np.arange(4)
    >>> fig, ax = plot_gradient_norms(k, {"tanh": -0.1 * k}, bounds={"bound": -0.05 * k})
    >>> len(ax.lines)
    2
    >>> plt.close(fig)
    """
    with style():
        fig, ax = new_axes(ax)
        k = np.asarray(k)
        for i, (label, vals) in enumerate(curves.items()):
            v = np.atleast_2d(np.asarray(vals, dtype=float))
            color = f"C{i}"
            for j, row in enumerate(v):
                ax.plot(k, np.exp(row), color=color, lw=1.4 if v.shape[0] == 1 else 0.7,
                        alpha=1.0 if v.shape[0] == 1 else 0.6, label=label if j == 0 else None)
        for i, (label, vals) in enumerate((bounds or {}).items()):
            ax.plot(k, np.exp(np.asarray(vals, dtype=float)), "--", color=f"C{i}", lw=1.2, label=label)
        ax.set_yscale("log")
        ax.set_xlabel("horizon k = T - t")
        ax.set_ylabel(ylabel or r"$\|\partial h_T / \partial h_{T-k}\|_2$")
        if title:
            ax.set_title(title)
        ax.legend(fontsize="small")
    return fig, ax


def plot_growth_regions(sigma_max, rates, *, threshold, ax=None, title=None, label=None):
    """Per-step log growth rate of Jacobian products against sigma_max(W), with 1/gamma marked.

    Parameters
    ----------
    sigma_max : array_like, shape (m,)
        Largest singular value of W for each run.
    rates : array_like, shape (m,) or (m, n_traj)
        (1/T) log ||prod J|| per run (several trajectories per run allowed).
    threshold : float
        Pascanu's 1/gamma: below it vanishing is guaranteed.
    ax : matplotlib.axes.Axes, optional
        Axes to draw into.
    title : str, optional
        Axes title.
    label : str, optional
        Legend label of the points.

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
    >>> fig, ax = plot_growth_regions([0.5, 2.0], [-0.7, 0.1], threshold=1.0)
    >>> plt.close(fig)
    """
    with style():
        fig, ax = new_axes(ax)
        s = np.asarray(sigma_max, dtype=float)
        r = np.asarray(rates, dtype=float)
        if r.ndim == 1:
            r = r[:, None]
        for j in range(r.shape[1]):
            ax.plot(s, r[:, j], ".", color="C0", ms=3, alpha=0.6, label=(label or "measured") if j == 0 else None)
        ax.plot(s, np.log(s / threshold), "--", color="C3", lw=1, label=r"bound $\log(\gamma\,\sigma_{max})$")
        ax.axvline(threshold, color="0.3", lw=0.8, ls=":")
        ax.axhline(0.0, color="0.6", lw=0.6)
        lo = min(np.nanmin(r), np.log(s.min() / threshold))
        ax.axvspan(s.min(), threshold, color="C2", alpha=0.08, label="vanishing guaranteed")
        ax.set_ylim(lo - 0.1, max(0.5, np.nanmax(r) + 0.1))
        ax.set_xlabel(r"$\sigma_{max}(W)$")
        ax.set_ylabel(r"$\frac{1}{T}\log\|\prod_t J_t\|_2$")
        if title:
            ax.set_title(title)
        ax.legend(fontsize="small")
    return fig, ax


def plot_lyapunov(g, exponents, *, stderr=None, predicted=None, ax=None, title=None):
    """Top Lyapunov exponent against a gain parameter g (order-to-chaos plot).

    Parameters
    ----------
    g : array_like, shape (m,)
        Gains.
    exponents : array_like, shape (m,)
        Measured top exponents.
    stderr : array_like, shape (m,), optional
        Standard errors (error bars).
    predicted : array_like, shape (m,), optional
        A prediction drawn dashed (e.g. log rho(g W) in the ordered phase; nan where undefined).
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
    >>> fig, ax = plot_lyapunov([0.5, 1.5], [-0.6, 0.1], stderr=[0.01, 0.01])
    >>> plt.close(fig)
    """
    with style():
        fig, ax = new_axes(ax)
        g = np.asarray(g, dtype=float)
        e = np.asarray(exponents, dtype=float)
        ax.errorbar(g, e, yerr=None if stderr is None else np.asarray(stderr), fmt="o-", ms=3, lw=1,
                    label="measured (Benettin QR)")
        if predicted is not None:
            ax.plot(g, np.asarray(predicted, dtype=float), "--", color="C3", label=r"$\log\rho(gW)$")
        ax.axhline(0.0, color="0.5", lw=0.7)
        ax.axvline(1.0, color="0.5", lw=0.7, ls=":")
        ax.set_xlabel("gain g")
        ax.set_ylabel(r"top Lyapunov exponent $\lambda_1$")
        if title:
            ax.set_title(title)
        ax.legend(fontsize="small")
    return fig, ax
