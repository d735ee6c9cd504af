"""Figures for training runs and sweeps: every seed shown, medians and geometric means drawn.

Data in, ``(fig, ax)`` out; the runs come from :func:`linrec.train.train` /
:mod:`linrec.sweep` beforehand.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from linrec.plotting import new_axes, style

__all__ = ["plot_training_curves", "plot_sweep", "plot_eigenvalue_trajectories"]


def _smooth(v: np.ndarray, window: int) -> np.ndarray:
    if window <= 1:
        return v
    ok = np.isfinite(v)
    kernel = np.ones(window)
    num = np.convolve(np.where(ok, v, 0.0), kernel, mode="same")
    den = np.convolve(ok.astype(float), kernel, mode="same")  # average over the finite neighbours only
    with np.errstate(invalid="ignore", divide="ignore"):
        out = num / den
    out[~ok] = np.nan
    return out


def plot_training_curves(curves: Mapping[str, np.ndarray], *, steps=None, smooth: int = 1, ax=None, title=None,
                         ylabel: str = "loss", log: bool = True):
    """Loss curves of several runs per label: one thin line per seed, the median in bold.

    Parameters
    ----------
    curves : mapping of str to array_like
        Label -> (n_seeds, n_steps) losses (NaN after a divergence; a divergence is marked by
        an ``x`` at the last finite value).
    steps : array_like, optional
        Step numbers (default 0..n_steps-1).
    smooth : int, optional
        Moving-average window applied before plotting (1: none; spikes stay visible with 1).
    ax : matplotlib.axes.Axes, optional
        Axes to draw into.
    title : str, optional
        Axes title.
    ylabel : str, optional
        Y label.
    log : bool, optional
        Logarithmic y axis.

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
    >>> runs = np.array([[1.0, 0.5, 0.2], [1.0, 0.6, np.nan]])
    >>> fig, ax = plot_training_curves({"LRU": runs})
    >>> len(ax.lines)
    4
    >>> plt.close(fig)
    """
    with style():
        fig, ax = new_axes(ax)
        for i, (label, arr) in enumerate(curves.items()):
            color = f"C{i}"
            arr = np.atleast_2d(np.asarray(arr, dtype=float))
            x = np.arange(arr.shape[1]) if steps is None else np.asarray(steps)
            for run in arr:
                ax.plot(x, _smooth(run, smooth), lw=0.6, alpha=0.35, color=color)
                finite = np.flatnonzero(np.isfinite(run))
                if finite.size and finite[-1] < run.size - 1:
                    ax.plot(x[finite[-1]], run[finite[-1]], "x", color=color, ms=6)
            with np.errstate(all="ignore"):
                finite_runs = np.where(np.isfinite(arr), arr, np.nan)
                med = np.array([np.median(c[~np.isnan(c)]) if np.any(~np.isnan(c)) else np.nan
                                for c in finite_runs.T])
            ax.plot(x, _smooth(med, smooth), lw=2, color=color, label=f"{label} (median of {arr.shape[0]})")
        if log:
            ax.set_yscale("log")
        ax.set_xlabel("step")
        ax.set_ylabel(ylabel)
        if title:
            ax.set_title(title)
        ax.legend()
    return fig, ax


def plot_sweep(x, values: Mapping[str, np.ndarray], *, ax=None, title=None, xlabel: str = "learning rate",
               ylabel: str = "final loss", logx: bool = True, logy: bool = True):
    """A sweep's outcome against one parameter: every seed as a dot, median (solid) and
    geometric mean (dashed); divergent seeds (inf) as triangles at the top edge.

    Parameters
    ----------
    x : array_like, shape (n,)
        Parameter values.
    values : mapping of str to array_like
        Label -> (n, n_seeds) outcomes (inf for a diverged run, NaN for a missing one).
    ax : matplotlib.axes.Axes, optional
        Axes to draw into.
    title : str, optional
        Axes title.
    xlabel, ylabel : str, optional
        Axis labels.
    logx, logy : bool, optional
        Logarithmic axes.

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
    >>> fig, ax = plot_sweep([1e-3, 1e-2], {"LRU": [[0.1, 0.2], [0.05, np.inf]]})
    >>> len(ax.lines) >= 3
    True
    >>> plt.close(fig)
    """
    with style():
        fig, ax = new_axes(ax)
        x = np.asarray(x, dtype=float)
        finite_all = np.concatenate([np.ravel(np.asarray(v, float)) for v in values.values()])
        finite_all = finite_all[np.isfinite(finite_all) & (finite_all > 0 if logy else True)]
        top = finite_all.max() * (3.0 if logy else 1.1) if finite_all.size else 1.0
        for i, (label, v) in enumerate(values.items()):
            c = f"C{i}"
            v = np.asarray(v, dtype=float).reshape(len(x), -1)
            xs = np.repeat(x[:, None], v.shape[1], axis=1)
            ok = np.isfinite(v)
            ax.plot(xs[ok], v[ok], ".", alpha=0.5, color=c)
            div = np.isinf(v)
            if div.any():
                ax.plot(xs[div], np.full(div.sum(), top), "^", color=c, alpha=0.7)
            med = np.full(len(x), np.nan)
            geo = np.full(len(x), np.nan)
            for j, row in enumerate(v):
                done = row[~np.isnan(row)]
                if done.size:  # median and geometric mean over the finished seeds (inf if any diverged)
                    med[j] = np.median(done)
                    geo[j] = np.inf if np.any(np.isinf(done)) else np.exp(np.mean(np.log(np.maximum(done, 1e-300))))
            ax.plot(x, np.where(np.isfinite(med), med, top), "-", color=c, label=f"{label} median")
            ax.plot(x, np.where(np.isfinite(geo), geo, top), "--", color=c, label=f"{label} geometric mean")
        if logx:
            ax.set_xscale("log")
        if logy:
            ax.set_yscale("log")
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        if title:
            ax.set_title(title)
        ax.legend(fontsize="small")
    return fig, ax


def plot_eigenvalue_trajectories(eigenvalues, *, ax=None, title=None, unit_circle: bool = True):
    """Trajectories of the recurrence's eigenvalues in the complex plane during training.

    Parameters
    ----------
    eigenvalues : array_like, shape (n_records, N)
        Complex eigenvalues recorded along training (``History.eigenvalues``).
    ax : matplotlib.axes.Axes, optional
        Axes to draw into.
    title : str, optional
        Axes title.
    unit_circle : bool, optional
        Draw |z| = 1.

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
    >>> lam = np.array([[0.5 + 0.1j, 0.2], [0.6 + 0.1j, 0.3]])
    >>> fig, ax = plot_eigenvalue_trajectories(lam)
    >>> plt.close(fig)
    """
    with style():
        fig, ax = new_axes(ax)
        lam = np.atleast_2d(np.asarray(eigenvalues, dtype=complex))
        if unit_circle:
            th = np.linspace(0, 2 * np.pi, 400)
            ax.plot(np.cos(th), np.sin(th), color="0.6", lw=0.8)
        for j in range(lam.shape[1]):
            ax.plot(lam[:, j].real, lam[:, j].imag, "-", lw=0.8, color="C0", alpha=0.6)
        ax.plot(lam[0].real, lam[0].imag, "o", ms=3, color="0.5", label="start")
        ax.plot(lam[-1].real, lam[-1].imag, "o", ms=3, color="C3", label="end")
        ax.set_aspect("equal")
        ax.set_xlabel(r"Re $\lambda$")
        ax.set_ylabel(r"Im $\lambda$")
        if title:
            ax.set_title(title)
        ax.legend()
    return fig, ax
