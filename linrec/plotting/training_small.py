"""Figures of the small training reproductions (Pascanu et al. 2013 clipping; Feng et al. 2024 minRNNs).

Every function takes arrays, draws every seed (thin lines or markers) and the median or success
fraction on top, and returns ``(fig, ax)``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from linrec.plotting import new_axes, style

__all__ = ["success_vs_length", "solve_steps", "seed_curves", "jacobian_products", "bar_with_repeats",
           "parameter_ratios"]

_COLORS = ("C0", "C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "C9")


def success_vs_length(lengths, methods: Sequence[str], solved, *, ax=None):
    """Fraction of solved seeds against sequence length, one line per method, seeds as dots.

    Parameters
    ----------
    lengths : array_like, shape (L,)
        Sequence lengths.
    methods : sequence of str
        Method labels (M).
    solved : array_like of bool, shape (M, L, S)
        Whether seed s of method m solved length l.
    ax : matplotlib.axes.Axes, optional
        Axes to draw into.

    Returns
    -------
    fig, ax
        The figure and axes.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> fig, ax = success_vs_length([10, 20], ["sgd"], np.array([[[True, False], [False, False]]]))
    >>> import matplotlib.pyplot as plt; plt.close(fig)
    """
    lengths = np.asarray(lengths, dtype=float)
    solved = np.asarray(solved, dtype=bool)
    fig, ax = new_axes(ax)
    M, L, S = solved.shape
    with style():
        span = np.ptp(lengths) if L > 1 else 1.0
        for i, m in enumerate(methods):
            off = (i - (M - 1) / 2) * 0.015 * span
            c = _COLORS[i % len(_COLORS)]
            ax.plot(lengths + off, solved[i].mean(axis=1), "-o", color=c, label=f"{m} ({S} seeds)")
            for j in range(L):
                y = solved[i, j].astype(float) + np.linspace(-0.03, 0.03, S)
                ax.plot(np.full(S, lengths[j] + off), y, ".", color=_COLORS[i % len(_COLORS)], alpha=0.4, ms=4)
        ax.set_xlabel("sequence length T")
        ax.set_ylabel("fraction of seeds solved")
        ax.set_ylim(-0.08, 1.08)
        ax.legend()
    return fig, ax


def solve_steps(lengths, methods: Sequence[str], solve_step, max_steps: int, *, ax=None):
    """Steps to solve per seed (unsolved seeds drawn as crosses at ``max_steps``).

    Parameters
    ----------
    lengths : array_like, shape (L,)
        Sequence lengths.
    methods : sequence of str
        Method labels (M).
    solve_step : array_like of int, shape (M, L, S)
        Step at which seed s was solved, -1 if not solved.
    max_steps : int
        Step budget (where unsolved seeds are drawn).
    ax : matplotlib.axes.Axes, optional
        Axes to draw into.

    Returns
    -------
    fig, ax
        The figure and axes.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> fig, ax = solve_steps([10], ["clip"], np.array([[[50, -1]]]), 100)
    >>> import matplotlib.pyplot as plt; plt.close(fig)
    """
    lengths = np.asarray(lengths, dtype=float)
    st = np.asarray(solve_step)
    fig, ax = new_axes(ax)
    M, L, S = st.shape
    with style():
        span = np.ptp(lengths) if L > 1 else 1.0
        for i, m in enumerate(methods):
            c = _COLORS[i % len(_COLORS)]
            for j in range(L):
                x = np.full(S, lengths[j] + (i - (M - 1) / 2) * 0.03 * span)
                ok = st[i, j] >= 0
                ax.plot(x[ok], st[i, j][ok], "o", color=c, ms=4, label=m if j == 0 else None)
                ax.plot(x[~ok], np.full((~ok).sum(), max_steps), "x", color=c, ms=5)
        ax.axhline(max_steps, color="0.6", lw=0.8, ls=":")
        ax.set_xlabel("sequence length T")
        ax.set_ylabel("steps to solve (x: not solved)")
        ax.legend()
    return fig, ax


def seed_curves(curves: Mapping[str, Sequence], *, x: Mapping[str, Sequence] | None = None, logy: bool = False,
                hline: float | None = None, xlabel: str = "step", ylabel: str = "", ax=None):
    """Training curves: every seed thin, the pointwise median thick, one colour per label.

    Parameters
    ----------
    curves : mapping of str to sequence of array_like
        label -> one 1-D array per seed (NaN entries are skipped).
    x : mapping of str to sequence of array_like, optional
        Abscissae per label and seed (default: the index).
    logy : bool, optional
        Logarithmic y axis.
    hline : float, optional
        Draw a horizontal reference line (e.g. the clipping threshold).
    xlabel : str, optional
        Label of the x axis.
    ylabel : str, optional
        Label of the y axis.
    ax : matplotlib.axes.Axes, optional
        Axes to draw into.

    Returns
    -------
    fig, ax
        The figure and axes.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> fig, ax = seed_curves({"a": [np.arange(5.0), np.arange(5.0) + 1]})
    >>> import matplotlib.pyplot as plt; plt.close(fig)
    """
    fig, ax = new_axes(ax)
    with style():
        for i, (label, runs) in enumerate(curves.items()):
            c = _COLORS[i % len(_COLORS)]
            runs = [np.asarray(r, dtype=float) for r in runs]
            xs = [np.asarray(v, dtype=float) for v in x[label]] if x is not None else [np.arange(r.size) for r in runs]
            single = len(runs) == 1
            for r, xv in zip(runs, xs):
                ax.plot(xv, r, color=c, lw=1.2 if single else 0.6, alpha=0.9 if single else 0.45)
            n = max((r.size for r in runs), default=0)
            if n and len(runs) > 1 and all(r.size == n for r in runs):
                with np.errstate(all="ignore"):
                    stack = np.vstack(runs)
                    keep = np.sum(np.isfinite(stack), axis=0) > len(runs) // 2
                    med = np.full(n, np.nan)
                    if keep.any():
                        med[keep] = np.nanmedian(stack[:, keep], axis=0)
                ax.plot(xs[0], med, color=c, lw=1.8, label=f"{label} (median of {len(runs)})")
            else:
                ax.plot([], [], color=c, lw=1.8, label=label if single else f"{label} ({len(runs)} seeds)")
        if hline is not None:
            ax.axhline(hline, color="0.3", lw=0.8, ls="--")
        if logy:
            ax.set_yscale("log")
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.legend()
    return fig, ax


def jacobian_products(steps, log_norms, etas, *, max_records: int = 6, ax=None):
    """log10 ||dh_T/dh_{T-k}|| against k at several training steps, with Pascanu's bound k log eta.

    Parameters
    ----------
    steps : array_like, shape (R,)
        Training steps of the records.
    log_norms : array_like, shape (R, T + 1)
        Natural-log norms of the Jacobian products (k = 0..T).
    etas : array_like, shape (R,)
        Pascanu's eta = sup|phi'| sigma_max(W) at each record (dashed: k log10 eta).
    max_records : int, optional
        Draw at most this many records, evenly spaced (always the first and the last).
    ax : matplotlib.axes.Axes, optional
        Axes to draw into.

    Returns
    -------
    fig, ax
        The figure and axes.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> fig, ax = jacobian_products([0, 10], np.log([[1, .5, .25], [1, .9, .8]]), [0.6, 1.1])
    >>> import matplotlib.pyplot as plt; plt.close(fig)
    """
    steps = np.asarray(steps)
    ln = np.atleast_2d(np.asarray(log_norms, dtype=float))
    etas = np.asarray(etas, dtype=float)
    fig, ax = new_axes(ax)
    with style():
        import matplotlib.pyplot as plt

        cmap = plt.get_cmap("viridis")
        R = ln.shape[0]
        k = np.arange(ln.shape[1])
        pick = np.unique(np.round(np.linspace(0, R - 1, min(R, max_records))).astype(int))
        for r in pick:
            c = cmap(r / max(R - 1, 1))
            ax.plot(k, ln[r] / np.log(10), color=c, lw=1.4, label=f"step {int(steps[r])}")
            ax.plot(k, k * np.log10(etas[r]), color=c, lw=0.8, ls="--")
        ax.set_xlabel("horizon k")
        ax.set_ylabel(r"$\log_{10}\|\partial h_T/\partial h_{T-k}\|_2$ (dashed: $k\log_{10}\eta$)")
        ax.legend(fontsize="small")
    return fig, ax


def bar_with_repeats(labels: Sequence[str], values: Sequence, *, ylabel: str = "", logy: bool = False, ax=None):
    """Bars at the median of each group, every repeat drawn as a dot.

    Parameters
    ----------
    labels : sequence of str
        Group labels.
    values : sequence of array_like
        Repeats per group.
    ylabel : str, optional
        Label of the y axis.
    logy : bool, optional
        Logarithmic y axis.
    ax : matplotlib.axes.Axes, optional
        Axes to draw into.

    Returns
    -------
    fig, ax
        The figure and axes.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> fig, ax = bar_with_repeats(["a", "b"], [[1.0, 1.2], [3.0, 2.5]])
    >>> import matplotlib.pyplot as plt; plt.close(fig)
    """
    fig, ax = new_axes(ax)
    with style():
        for i, v in enumerate(values):
            v = np.asarray(v, dtype=float)
            ax.bar(i, np.median(v), color=_COLORS[i % len(_COLORS)], alpha=0.6)
            ax.plot(np.full(v.size, i) + np.linspace(-0.15, 0.15, v.size), v, "k.", ms=3)
        ax.set_xticks(range(len(labels)), labels, rotation=20, ha="right")
        if logy:
            ax.set_yscale("log")
        ax.set_ylabel(ylabel)
    return fig, ax


def parameter_ratios(expansion, ratios: Mapping[str, Sequence], stated: Mapping[str, float] | None = None, *,
                     ax=None):
    """Parameter-count ratios against the expansion d_h / d_x, with the paper's stated values.

    Parameters
    ----------
    expansion : array_like
        Values of d_h / d_x.
    ratios : mapping of str to array_like
        label -> exact ratio at each expansion.
    stated : mapping of str to float, optional
        label -> a stated ratio (drawn as a dotted line).
    ax : matplotlib.axes.Axes, optional
        Axes to draw into.

    Returns
    -------
    fig, ax
        The figure and axes.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> fig, ax = parameter_ratios([1, 2], {"r": [0.33, 0.22]}, {"r": 0.33})
    >>> import matplotlib.pyplot as plt; plt.close(fig)
    """
    e = np.asarray(expansion, dtype=float)
    fig, ax = new_axes(ax)
    with style():
        for i, (lab, r) in enumerate(ratios.items()):
            ax.plot(e, np.asarray(r, dtype=float), "-o", ms=3, color=_COLORS[i % len(_COLORS)], label=lab)
            if stated and lab in stated:
                ax.axhline(stated[lab], color=_COLORS[i % len(_COLORS)], ls=":", lw=1.0)
        ax.set_xscale("log", base=2)
        ax.set_xlabel(r"expansion $d_h/d_x$")
        ax.set_ylabel("parameter ratio (dotted: paper)")
        ax.legend()
    return fig, ax
