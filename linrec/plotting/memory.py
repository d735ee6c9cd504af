"""Figures for the curse of memory (Zucchet & Orvieto, 2024).

Data in, ``(fig, ax)`` out; the math is computed by :mod:`linrec.memory` beforehand.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from linrec.plotting import new_axes, style

__all__ = ["plot_loglog", "plot_landscape", "plot_complex_field", "plot_matrix"]


def plot_loglog(x, curves, *, points=None, ref_slopes=None, ax=None, xlabel="1 - lambda", ylabel="",
                title=None):
    """Log-log curves (e.g. moments or sensitivities against the gap 1 - lambda).

    Parameters
    ----------
    x : array_like, shape (m,)
        Positive abscissae (typically the gap ``1 - |lambda|``).
    curves : mapping of str to array_like
        Label -> positive values at ``x``. A label starting with ``"--"`` is drawn dashed.
    points : mapping of str to tuple, optional
        Label -> ``(x, y)`` or ``(x, y, yerr)`` drawn as markers (e.g. Monte Carlo with error bars
        or finite-T values).
    ref_slopes : mapping of str to tuple, optional
        Label -> ``(slope, x0, y0)``: a dotted guide line ``y0 (x/x0)^slope``.
    ax : matplotlib.axes.Axes, optional
        Axes to draw into (a new figure otherwise).
    xlabel, ylabel : str, optional
        Axis labels.
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
    >>> g = np.logspace(-3, -1, 5)
    >>> fig, ax = plot_loglog(g, {"white": 1 / g}, points={"MC": (g[:2], 1 / g[:2], 0.1 / g[:2])},
    ...                       ref_slopes={"slope -1": (-1.0, 1e-3, 1e3)})
    >>> len(ax.lines) >= 2
    True
    >>> plt.close(fig)
    """
    with style():
        fig, ax = new_axes(ax)
        x = np.asarray(x, dtype=float)
        for label, vals in curves.items():
            ls = "--" if label.startswith("--") else "-"
            ax.plot(x, np.asarray(vals, dtype=float), ls, label=label.lstrip("-"))
        for label, pts in (points or {}).items():
            px, py = np.asarray(pts[0], float), np.asarray(pts[1], float)
            yerr = np.asarray(pts[2], float) if len(pts) > 2 else None
            ax.errorbar(px, py, yerr=yerr, fmt="o", ms=3.5, mfc="none", color="k", lw=0.8, capsize=2, label=label)
        for label, (slope, x0, y0) in (ref_slopes or {}).items():
            ax.plot(x, y0 * (x / x0) ** slope, ":", color="0.45", lw=1)
            ax.annotate(label, (x[0], y0 * (x[0] / x0) ** slope), xytext=(3, 0), textcoords="offset points",
                        fontsize="x-small", color="0.35")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        if title:
            ax.set_title(title)
        ax.legend(fontsize="x-small")
    return fig, ax


def plot_landscape(x, curves, *, optimum=None, logy=True, ax=None, xlabel="", ylabel="loss", title=None):
    """One-dimensional loss landscapes.

    Parameters
    ----------
    x : array_like, shape (m,)
        Parameter values.
    curves : mapping of str to array_like
        Label -> loss at ``x``.
    optimum : mapping of str to float, optional
        Label -> location of the optimum, drawn as a vertical dotted line.
    logy : bool, optional
        Logarithmic loss axis (default True; zeros are clipped to the smallest positive value).
    ax : matplotlib.axes.Axes, optional
        Axes to draw into.
    xlabel, ylabel : str, optional
        Axis labels.
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
    >>> x = np.linspace(0, 0.9, 10)
    >>> fig, ax = plot_landscape(x, {"L": (x - 0.5) ** 2}, optimum={"": 0.5})
    >>> plt.close(fig)
    """
    with style():
        fig, ax = new_axes(ax)
        x = np.asarray(x, dtype=float)
        for label, vals in curves.items():
            y = np.asarray(vals, dtype=float)
            if logy:
                pos = y[y > 0]
                y = np.maximum(y, pos.min() if pos.size else 1e-300)
            ax.plot(x, y, label=label)
        for i, x0 in enumerate((optimum or {}).values()):
            ax.axvline(x0, ls=":", lw=1, color=f"C{i}")
        if logy:
            ax.set_yscale("log")
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        if title:
            ax.set_title(title)
        ax.legend(fontsize="x-small")
    return fig, ax


def plot_complex_field(re, im, Z, *, log=True, unit_circle=True, mark=None, ax=None, label="", title=None,
                       cmap="viridis"):
    """A real field over the complex plane (e.g. the cross moment S(lambda, conj lambda)).

    Parameters
    ----------
    re : array_like, shape (nx,)
        Real parts of the grid.
    im : array_like, shape (ny,)
        Imaginary parts of the grid.
    Z : array_like, shape (ny, nx)
        Values (NaN outside the domain is left blank).
    log : bool, optional
        Colour by ``log10 Z`` (default True).
    unit_circle : bool, optional
        Draw the unit circle.
    mark : mapping of str to complex, optional
        Label -> point to mark.
    ax : matplotlib.axes.Axes, optional
        Axes to draw into.
    label : str, optional
        Colour-bar label.
    title : str, optional
        Axes title.
    cmap : str, optional
        Colour map.

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
    >>> r = np.linspace(-1, 1, 5)
    >>> fig, ax = plot_complex_field(r, r, np.ones((5, 5)), mark={"a": 0.5j})
    >>> plt.close(fig)
    """
    with style():
        fig, ax = new_axes(ax)
        Zp = np.asarray(Z, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            C = np.log10(Zp) if log else Zp
        pm = ax.pcolormesh(np.asarray(re, float), np.asarray(im, float), C, shading="auto", cmap=cmap,
                           rasterized=True)
        fig.colorbar(pm, ax=ax, label=("log10 " + label) if log else label)
        if unit_circle:
            t = np.linspace(0, 2 * np.pi, 400)
            ax.plot(np.cos(t), np.sin(t), "w-", lw=0.8)
        for name, z in (mark or {}).items():
            ax.plot([np.real(z)], [np.imag(z)], "r+", ms=8)
            if name:
                ax.annotate(name, (np.real(z), np.imag(z)), xytext=(4, 4), textcoords="offset points", color="r",
                            fontsize="x-small")
        ax.set_aspect("equal")
        ax.set_xlabel(r"$\mathrm{Re}\,\lambda$")
        ax.set_ylabel(r"$\mathrm{Im}\,\lambda$")
        ax.grid(False)
        if title:
            ax.set_title(title)
    return fig, ax


def plot_matrix(H, *, groups=None, log=True, ax=None, title=None, cmap="magma"):
    """Heat map of ``|H|`` (e.g. a Hessian at the optimum) with parameter groups marked.

    Parameters
    ----------
    H : array_like, shape (P, P)
        Matrix.
    groups : mapping of str to int, optional
        Ordered group name -> size (e.g. ``{"nu": n, "theta": n, ...}``), drawn as separators.
    log : bool, optional
        Colour by ``log10 |H|`` (default True; floored at 1e-12 of the maximum).
    ax : matplotlib.axes.Axes, optional
        Axes to draw into.
    title : str, optional
        Axes title.
    cmap : str, optional
        Colour map.

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
    >>> fig, ax = plot_matrix(np.diag([1.0, 10.0]), groups={"a": 1, "b": 1})
    >>> plt.close(fig)
    """
    with style():
        fig, ax = new_axes(ax)
        A = np.abs(np.asarray(H, dtype=float))
        if log:
            A = np.log10(np.maximum(A, 1e-12 * A.max() if A.max() > 0 else 1e-300))
        im = ax.imshow(A, cmap=cmap, interpolation="nearest", rasterized=True)
        fig.colorbar(im, ax=ax, label="log10 |H|" if log else "|H|")
        if isinstance(groups, Mapping):
            pos, ticks, names = 0, [], []
            for name, size in groups.items():
                ticks.append(pos + size / 2 - 0.5)
                names.append(name)
                pos += size
                if pos < A.shape[0]:
                    ax.axhline(pos - 0.5, color="w", lw=0.6)
                    ax.axvline(pos - 0.5, color="w", lw=0.6)
            ax.set_xticks(ticks, names, fontsize="x-small", rotation=90)
            ax.set_yticks(ticks, names, fontsize="x-small")
        ax.grid(False)
        if title:
            ax.set_title(title)
    return fig, ax
