"""Figures for reparameterizations (StableSSM, LRU).

Data in, ``(fig, ax)`` out; the math is computed by :mod:`linrec.reparam` beforehand.
"""

from __future__ import annotations

import numpy as np

from linrec.plotting import new_axes, style

__all__ = [
    "plot_loglog_curves",
    "plot_stability_functions",
    "plot_margins",
    "plot_perturbation_errors",
    "plot_ring",
    "plot_state_variance",
    "plot_density",
]


def plot_loglog_curves(curves, *, slopes=None, xlabel="x", ylabel="y", invert_x=False, xscale="log", marker="",
                       ax=None, title=None):
    """Log-log (or semi-log) plot of several (x, y) curves, with optional reference power laws.

    Parameters
    ----------
    curves : mapping of str to tuple of array_like
        Label -> (x, y); a label starting with ``"--"`` is drawn dashed (prefix stripped).
    slopes : mapping of str to tuple, optional
        Label -> (k, x0, y0): the dotted reference line y = y0 (x/x0)^k.
    xlabel, ylabel : str, optional
        Axis labels.
    invert_x : bool, optional
        Draw x decreasing (e.g. distance to the boundary shrinking to the right).
    xscale : {"log", "linear"}, optional
        Scale of the x axis (the y axis is always logarithmic).
    marker : str, optional
        Matplotlib marker for the data points (default none).
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
    >>> d = np.logspace(-6, -1, 5)
    >>> fig, ax = plot_loglog_curves({"exp": (d, 1 / d)}, slopes={"d^-1": (-1, 1e-6, 1e6)})
    >>> len(ax.lines)
    2
    >>> plt.close(fig)
    """
    with style():
        fig, ax = new_axes(ax)
        for label, (x, y) in curves.items():
            ls = "--" if label.startswith("--") else "-"
            ax.plot(np.asarray(x, float), np.asarray(y, float), marker + ls, ms=3, label=label.lstrip("-"))
        xs = np.concatenate([np.asarray(x, float).ravel() for x, _ in curves.values()]) if curves else np.ones(1)
        for label, (k, x0, y0) in (slopes or {}).items():
            xr = np.array([xs.min(), xs.max()])
            ax.plot(xr, y0 * (xr / x0) ** k, ":", color="0.4", lw=1, label=label)
        ax.set_xscale(xscale)
        ax.set_yscale("log")
        if invert_x:
            ax.invert_xaxis()
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        if title:
            ax.set_title(title)
        ax.legend()
    return fig, ax


def plot_stability_functions(beta, curves, *, closed_forms=None, ax=None, title=None):
    """Stability functions S_f(β); infinite curves are listed in the legend as "= ∞".

    Parameters
    ----------
    beta : array_like
        Perturbation radii.
    curves : mapping of str to array_like
        Label -> S_f(β) (numeric supremum; ``inf`` allowed).
    closed_forms : mapping of str to array_like, optional
        Label -> closed-form values, drawn as markers on top.
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
    >>> b = np.linspace(0.1, 1, 4)
    >>> fig, ax = plot_stability_functions(b, {"exp": np.expm1(b), "direct": np.full(4, np.inf)})
    >>> len(ax.lines)  # the exp curve and the legend entry for the infinite one
    2
    >>> plt.close(fig)
    """
    with style():
        fig, ax = new_axes(ax)
        beta = np.asarray(beta, float)
        infinite = []
        for label, s in curves.items():
            s = np.asarray(s, float)
            if not np.any(np.isfinite(s)):
                infinite.append(label)
                continue
            ax.plot(beta, s, label=label)
        for label, s in (closed_forms or {}).items():
            ax.plot(beta, np.asarray(s, float), "o", ms=3, mfc="none", color="0.2", label=label)
        ax.set_yscale("log")
        ax.set_xlabel(r"$\beta$")
        ax.set_ylabel(r"$S_f(\beta)=\sup_w\sup_{|\delta|\leq\beta}|1-f(w)/f(w+\delta)|$")
        if infinite:
            ax.plot([], [], " ", label=", ".join(infinite) + r": $S_f=\infty$ (unstable)")
        if title:
            ax.set_title(title)
        ax.legend()
    return fig, ax


def plot_margins(ms, margins, *, errors=None, ax=None, title=None):
    """Stability margin s_min(m) (and optionally fit errors) against the number of modes.

    Parameters
    ----------
    ms : array_like of int
        Numbers of modes.
    margins : mapping of str to array_like
        Label -> s_min(m).
    errors : mapping of str to array_like, optional
        Label -> relative L² fit error, drawn dashed on a twin axis.
    ax : matplotlib.axes.Axes, optional
        Axes to draw into.
    title : str, optional
        Axes title.

    Returns
    -------
    fig : matplotlib.figure.Figure
        The figure.
    ax : matplotlib.axes.Axes
        The main axes.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plot_margins([1, 2, 3], {"exp": [0.5, 0.5, 0.5]}, errors={"exp": [1e-9, 1e-9, 1e-9]})
    >>> len(ax.lines)
    1
    >>> plt.close(fig)
    """
    with style():
        fig, ax = new_axes(ax)
        ms = np.asarray(ms)
        colors = {}
        for label, s in margins.items():
            (line,) = ax.plot(ms, np.asarray(s, float), "o-", ms=3, label=label)
            colors[label] = line.get_color()
        ax.set_yscale("log")
        ax.set_xlabel("number of modes m")
        ax.set_ylabel(r"stability margin $s_{\min}(m)$")
        if errors:
            ax2 = ax.twinx()
            for label, e in errors.items():
                e = np.maximum(np.asarray(e, float), 1e-16)
                ax2.plot(ms, e, "--", color=colors.get(label, "0.5"), lw=1)
            ax2.set_yscale("log")
            ax2.set_ylabel("relative $L^2$ fit error (dashed)")
            ax2.grid(False)
        if title:
            ax.set_title(title)
        ax.legend(loc="lower left")
    return fig, ax


def plot_perturbation_errors(beta, errors, *, s_min=None, ax=None, title=None):
    """Perturbation error E_m(β) per reparameterization; infinite values are drawn at the top.

    Parameters
    ----------
    beta : array_like
        Perturbation radii.
    errors : mapping of str to array_like
        Label -> E_m(β) (``inf`` allowed).
    s_min : float, optional
        Stability margin of the fit (vertical line).
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
    >>> b = np.array([0.1, 0.2, 0.3])
    >>> fig, ax = plot_perturbation_errors(b, {"direct": [0.1, 0.5, np.inf], "exp": [0.1, 0.2, 0.3]}, s_min=0.25)
    >>> len(ax.lines) >= 3
    True
    >>> plt.close(fig)
    """
    with style():
        fig, ax = new_axes(ax)
        beta = np.asarray(beta, float)
        finite_vals = np.concatenate([np.asarray(e, float)[np.isfinite(e)] for e in errors.values()])
        top = 10 * finite_vals.max() if finite_vals.size else 1.0
        for label, e in errors.items():
            e = np.asarray(e, float)
            fin = np.isfinite(e)
            (line,) = ax.plot(beta[fin], e[fin], label=label)
            if np.any(~fin):
                ax.plot(beta[~fin], np.full((~fin).sum(), top), "^", color=line.get_color(), ms=4,
                        label=f"{label}: $E=\\infty$")
        if s_min is not None:
            ax.axvline(s_min, ls=":", color="0.3", lw=1)
            ax.annotate(r"$s_{\min}(m)$", (s_min, top), xytext=(3, -10), textcoords="offset points", fontsize="small")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel(r"weight perturbation $\beta$")
        ax.set_ylabel(r"$E_m(\beta)$ ($L^2$)")
        if title:
            ax.set_title(title)
        ax.legend()
    return fig, ax


def plot_ring(lam, r_min, r_max, *, ax=None, title=None):
    """Scatter of complex eigenvalues with the annulus r_min ≤ |λ| ≤ r_max and the unit circle.

    Parameters
    ----------
    lam : array_like of complex
        Eigenvalues.
    r_min, r_max : float
        Annulus radii.
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
    >>> fig, ax = plot_ring(np.array([0.5 + 0.5j]), 0.4, 0.9)
    >>> plt.close(fig)
    """
    with style():
        fig, ax = new_axes(ax)
        lam = np.asarray(lam)
        ax.plot(lam.real, lam.imag, ".", ms=1.5, alpha=0.5)
        th = np.linspace(0, 2 * np.pi, 400)
        for r, ls in ((1.0, "-"), (r_min, ":"), (r_max, ":")):
            ax.plot(r * np.cos(th), r * np.sin(th), ls, color="0.3", lw=0.8)
        ax.set_aspect("equal")
        ax.set_xlabel(r"Re $\lambda$")
        ax.set_ylabel(r"Im $\lambda$")
        if title:
            ax.set_title(title)
    return fig, ax


def plot_state_variance(x, mc, *, predicted=None, ax=None, title=None, xlabel=r"$|\lambda|$"):
    """Monte-Carlo state variance with error bars against closed forms.

    Parameters
    ----------
    x : array_like
        Abscissa (e.g. |λ|).
    mc : mapping of str to tuple of array_like
        Label -> (mean, standard error).
    predicted : mapping of str to array_like, optional
        Label -> closed-form values (lines).
    ax : matplotlib.axes.Axes, optional
        Axes to draw into.
    title : str, optional
        Axes title.
    xlabel : str, optional
        x-axis label.

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
    >>> fig, ax = plot_state_variance([0.5, 0.9], {"MC": ([1.0, 1.01], [0.01, 0.01])}, predicted={"1": [1, 1]})
    >>> plt.close(fig)
    """
    with style():
        fig, ax = new_axes(ax)
        x = np.asarray(x, float)
        for label, y in (predicted or {}).items():
            ax.plot(x, np.asarray(y, float), "-", lw=1, label=label)
        for label, (mean, se) in mc.items():
            ax.errorbar(x, np.asarray(mean, float), yerr=2 * np.asarray(se, float), fmt="o", ms=3, capsize=2,
                        label=label + r" ($\pm 2$ SE)")
        ax.set_yscale("log")
        ax.set_xlabel(xlabel)
        ax.set_ylabel(r"$E|h|^2$")
        if title:
            ax.set_title(title)
        ax.legend()
    return fig, ax


def plot_density(samples, x, density, *, bins=40, label="samples", density_label="predicted", xlabel="x", ax=None,
                 title=None):
    """Histogram of samples (normalized) against a predicted density.

    Parameters
    ----------
    samples : array_like
        Real samples.
    x : array_like
        Abscissa for the predicted density.
    density : array_like
        Predicted density at ``x``.
    bins : int, optional
        Number of histogram bins.
    label, density_label : str, optional
        Legend labels.
    xlabel : str, optional
        x-axis label.
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
    >>> x = np.linspace(0, 1, 5)
    >>> fig, ax = plot_density(np.random.default_rng(0).uniform(size=100), x, np.ones(5))
    >>> plt.close(fig)
    """
    with style():
        fig, ax = new_axes(ax)
        ax.hist(np.asarray(samples, float), bins=bins, density=True, alpha=0.5, label=label)
        ax.plot(np.asarray(x, float), np.asarray(density, float), "-", color="0.1", lw=1.2, label=density_label)
        ax.set_xlabel(xlabel)
        ax.set_ylabel("density")
        if title:
            ax.set_title(title)
        ax.legend()
    return fig, ax
