"""Figures for A^n growth: norms of powers with bounds, pseudospectra.

Data in, ``(fig, ax)`` out; the math is computed by :mod:`linrec.growth` beforehand.
"""

from __future__ import annotations

import numpy as np

from linrec.plotting import new_axes, style

__all__ = ["plot_power_norms", "plot_pseudospectra"]


def plot_power_norms(n, curves, *, hlines=None, ax=None, title=None, log_input=True):
    """Plot ||A^n|| against n on a logarithmic y axis, with optional horizontal bounds.

    Parameters
    ----------
    n : array_like, shape (m,)
        Exponents.
    curves : mapping of str to array_like
        Label -> values at ``n`` (natural logs of the norms when ``log_input`` is True).
        A label starting with ``"--"`` is drawn dashed in the colour of the preceding solid
        curve (the prefix is stripped): use it for a prediction of that curve.
    hlines : mapping of str to float, optional
        Label -> constant level (e.g. the Kreiss bounds K and e N K), drawn as dotted lines.
    ax : matplotlib.axes.Axes, optional
        Axes to draw into (a new figure otherwise).
    title : str, optional
        Axes title.
    log_input : bool, optional
        Whether ``curves`` hold natural logarithms (default) or the norms themselves.

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
    >>> fig, ax = plot_power_norms(np.arange(3), {"A": np.log([1.0, 2.0, 1.5])}, hlines={"K": 2.5})
    >>> len(ax.lines)
    2
    >>> plt.close(fig)
    """
    with style():
        fig, ax = new_axes(ax)
        n = np.asarray(n)
        last = None
        for label, vals in curves.items():
            dashed = label.startswith("--")
            y = np.exp(np.asarray(vals, dtype=float)) if log_input else np.asarray(vals, dtype=float)
            kw = {"color": last.get_color(), "lw": 1.0} if dashed and last is not None else {}
            line, = ax.plot(n, y, "--" if dashed else "-", label=label.lstrip("-"), **kw)
            if not dashed:
                last = line
        for label, level in (hlines or {}).items():
            ax.axhline(level, ls=":", color="0.4", lw=1)
            ax.annotate(label, (n.max(), level), xytext=(-4, 3), textcoords="offset points", ha="right",
                        fontsize="small", color="0.3")
        ax.set_yscale("log")
        ax.set_xlabel("n")
        ax.set_ylabel(r"$\|A^n\|_2$")
        if title:
            ax.set_title(title)
        ax.legend(fontsize="small", loc="best")
    return fig, ax


def plot_pseudospectra(x, y, sigma_min, eps_levels, *, eigenvalues=None, unit_circle=True, ax=None,
                       title=None):
    """Contour plot of epsilon-pseudospectra: level sets sigma_min(zI - A) = eps.

    Parameters
    ----------
    x : array_like, shape (nx,)
        Real parts of the grid.
    y : array_like, shape (ny,)
        Imaginary parts of the grid.
    sigma_min : array_like, shape (ny, nx)
        sigma_min(zI - A) on the grid (:func:`linrec.growth.pseudospectra`).
    eps_levels : array_like
        Levels epsilon (contours drawn at log10 eps).
    eigenvalues : array_like, optional
        Eigenvalues to mark.
    unit_circle : bool, optional
        Draw |z| = 1 (default True).
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
    >>> x = y = np.linspace(-1, 1, 5)
    >>> s = np.abs(x[None, :] + 1j * y[:, None])
    >>> fig, ax = plot_pseudospectra(x, y, s, [0.1, 0.5], eigenvalues=[0.0])
    >>> plt.close(fig)
    """
    with style():
        fig, ax = new_axes(ax)
        s = np.asarray(sigma_min, dtype=float)
        lev = np.log10(np.sort(np.asarray(eps_levels, dtype=float)))
        with np.errstate(divide="ignore"):
            ls = np.log10(np.maximum(s, 1e-300))
        cs = ax.contour(np.asarray(x), np.asarray(y), ls, levels=lev, cmap="viridis")
        ax.clabel(cs, fmt=lambda v: f"$10^{{{v:.0f}}}$" if abs(v - round(v)) < 1e-9 else f"{10 ** v:.2g}",
                  fontsize="x-small")
        if eigenvalues is not None:
            ev = np.asarray(eigenvalues)
            ax.plot(ev.real, ev.imag, "k.", ms=3, label="eigenvalues")
        if unit_circle:
            t = np.linspace(0, 2 * np.pi, 400)
            ax.plot(np.cos(t), np.sin(t), color="0.5", lw=0.8, ls="--", label="|z| = 1")
        ax.set_aspect("equal")
        ax.set_xlabel("Re z")
        ax.set_ylabel("Im z")
        if title:
            ax.set_title(title)
        ax.legend(loc="upper right", fontsize="small")
    return fig, ax


