"""Figures of training sweeps: learning-rate sweeps over seeds, ratio trajectories, plateau times.

Every function takes arrays (computed elsewhere) and an optional ``ax``, draws inside
:func:`linrec.plotting.style` and returns ``(fig, ax)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from linrec.plotting import new_axes, style

__all__ = ["plot_lr_sweep", "plot_ratio_trajectories", "plot_plateau_times", "plot_rate_trajectories"]


def plot_lr_sweep(lrs: Any, values: Mapping[str, Any], *, ax=None, ylabel: str = "final / initial loss",
                  diverged_value: float | None = None, title: str | None = None):
    """Final metric against the learning rate, every seed shown and the median over seeds drawn.

    Parameters
    ----------
    lrs : array_like
        Learning rates, shape (L,).
    values : mapping of str to array_like
        Per curve (e.g. reparameterization) an array (L, S) over learning rates and seeds;
        ``inf`` marks a diverged run (drawn as a cross at the top of the axes).
    ax : matplotlib.axes.Axes, optional
        Axes to draw into.
    ylabel : str, optional
        Label of the y axis.
    diverged_value : float, optional
        Where diverged runs are drawn (default: 3x the largest finite value).
    title : str, optional
        Axes title.

    Returns
    -------
    fig, ax
        The figure and axes.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> fig, ax = plot_lr_sweep([1e-3, 1e-2], {"exp": [[0.1, 0.2], [np.inf, 0.05]]})
    >>> import matplotlib.pyplot as plt; plt.close(fig)
    """
    lrs = np.asarray(lrs, dtype=np.float64)
    fig, ax = new_axes(ax)
    finite = np.concatenate([np.asarray(v, dtype=np.float64)[np.isfinite(v)] for v in values.values()] + [[1.0]])
    top = diverged_value if diverged_value is not None else 3.0 * float(np.max(finite))
    with style():
        for i, (name, v) in enumerate(values.items()):
            v = np.asarray(v, dtype=np.float64)
            color = f"C{i}"
            for s in range(v.shape[1]):
                ok = np.isfinite(v[:, s])
                ax.plot(lrs[ok], v[ok, s], ".", color=color, alpha=0.45, ms=5)
                ax.plot(lrs[~ok], np.full((~ok).sum(), top), "x", color=color, alpha=0.8, ms=6)
            med = np.median(np.where(np.isfinite(v), v, np.inf), axis=1)
            ax.plot(lrs, np.where(np.isfinite(med), med, top), "-", color=color, label=f"{name} (median)")
        ax.axhline(top, color="0.6", lw=0.6, ls=":")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("learning rate (Adam)")
        ax.set_ylabel(ylabel)
        if title:
            ax.set_title(title)
        ax.legend(fontsize=7)
    return fig, ax


def plot_ratio_trajectories(steps: Any, measured: Mapping[str, Any], predicted: Mapping[str, Any] | None = None, *,
                            ax=None, ylabel: str = "||grad w|| / ||w||", title: str | None = None):
    """Gradient-over-weight ratio against the training step, measured (solid) and predicted (dashed).

    Parameters
    ----------
    steps : array_like
        Steps, shape (K,).
    measured : mapping of str to array_like
        Per curve an array (K,) or (K, S) (seeds as columns, all drawn).
    predicted : mapping of str to array_like, optional
        Same keys, the predicted quantity (K,) or (K, S).
    ax : matplotlib.axes.Axes, optional
        Axes to draw into.
    ylabel : str, optional
        Label of the y axis.
    title : str, optional
        Axes title.

    Returns
    -------
    fig, ax
        The figure and axes.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> fig, ax = plot_ratio_trajectories([0, 1, 2], {"best": [1.0, 0.5, 0.4]}, {"best": [2.0, 2.0, 2.0]})
    >>> import matplotlib.pyplot as plt; plt.close(fig)
    """
    steps = np.asarray(steps)
    fig, ax = new_axes(ax)
    with style():
        for i, (name, v) in enumerate(measured.items()):
            v = np.asarray(v, dtype=np.float64).reshape(len(steps), -1)
            for s in range(v.shape[1]):
                ax.plot(steps, v[:, s], "-", color=f"C{i}", lw=1.0, alpha=0.8,
                        label=f"{name} measured" if s == 0 else None)
            if predicted is not None and name in predicted:
                p = np.asarray(predicted[name], dtype=np.float64).reshape(len(steps), -1)
                for s in range(p.shape[1]):
                    ax.plot(steps, p[:, s], "--", color=f"C{i}", lw=1.0, alpha=0.8,
                            label=f"{name} predicted" if s == 0 else None)
        ax.set_yscale("log")
        ax.set_xlabel("step")
        ax.set_ylabel(ylabel)
        if title:
            ax.set_title(title)
        ax.legend(fontsize=7, ncol=2)
    return fig, ax


def plot_plateau_times(delays: Mapping[str, Any], measured: Mapping[str, Any], theory: Mapping[str, Any] | None = None,
                       *, theory_delays: Mapping[str, Any] | None = None, ax=None, title: str | None = None):
    """Plateau length against the delay on a log scale: measured points (all seeds) and theory lines.

    Parameters
    ----------
    delays : mapping of str to array_like
        Per curve the delays (D,).
    measured : mapping of str to array_like
        Per curve the measured plateau lengths (D,) or (D, S); values <= 0 are omitted.
    theory : mapping of str to array_like, optional
        Predicted lengths per curve on ``theory_delays`` (default: the same delays); a curve whose
        name starts with a key of ``measured`` takes that curve's colour ("asympt" in the name:
        dashed).
    theory_delays : mapping of str to array_like, optional
        Delays of the theory curves.
    ax : matplotlib.axes.Axes, optional
        Axes to draw into.
    title : str, optional
        Axes title.

    Returns
    -------
    fig, ax
        The figure and axes.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> fig, ax = plot_plateau_times({"gd": [1, 2]}, {"gd": [10, 70]}, {"gd theory": [9, 66]},
    ...                              theory_delays={"gd theory": [1, 2]})
    >>> import matplotlib.pyplot as plt; plt.close(fig)
    """
    fig, ax = new_axes(ax)
    with style():
        for i, (name, v) in enumerate(measured.items()):
            d = np.asarray(delays[name], dtype=np.float64)
            v = np.asarray(v, dtype=np.float64).reshape(len(d), -1)
            for s in range(v.shape[1]):
                ok = v[:, s] > 0
                ax.plot(d[ok], v[ok, s], "o", color=f"C{i}", ms=4, alpha=0.8, label=name if s == 0 else None)
        names = list(measured)
        for j, (name, v) in enumerate((theory or {}).items()):
            d = np.asarray((theory_delays or delays)[name], dtype=np.float64)
            ls = "--" if "asympt" in name else "-"
            # a theory curve takes the colour of the measured curve whose name prefixes it
            match = [i for i, m in enumerate(names) if name.startswith(m)]
            color = f"C{match[0]}" if match else f"C{len(names) + j}"
            ax.plot(d, np.asarray(v, dtype=np.float64), ls, color=color, lw=1.0, alpha=0.9, label=name)
        ax.set_yscale("log")
        ax.set_xlabel("delay t0 of the bump")
        ax.set_ylabel("plateau length (steps)")
        if title:
            ax.set_title(title)
        ax.legend(fontsize=6.5, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return fig, ax


def plot_rate_trajectories(curves: Mapping[str, Any], *, ax=None, r_exit: float | None = None,
                           title: str | None = None):
    """Decay rate of the slowest mode against the step (log step axis), one line per run.

    Parameters
    ----------
    curves : mapping of str to array_like
        Label -> rate per step (K,).
    ax : matplotlib.axes.Axes, optional
        Axes to draw into.
    r_exit : float, optional
        Draw the exit level of the plateau.
    title : str, optional
        Axes title.

    Returns
    -------
    fig, ax
        The figure and axes.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> fig, ax = plot_rate_trajectories({"t0 = 8": [1.0, 0.9, 0.4]}, r_exit=0.5)
    >>> import matplotlib.pyplot as plt; plt.close(fig)
    """
    fig, ax = new_axes(ax)
    with style():
        for i, (name, r) in enumerate(curves.items()):
            r = np.asarray(r, dtype=np.float64)
            k = np.arange(1, r.size + 1)
            ax.plot(k, r, "-", color=f"C{i}", lw=1.2, label=name)
        if r_exit is not None:
            ax.axhline(r_exit, color="0.5", lw=0.7, ls=":", label="plateau exit")
        ax.set_xscale("log")
        ax.set_xlabel("step + 1")
        ax.set_ylabel("rate r of the mode (memory 1/r)")
        if title:
            ax.set_title(title)
        ax.legend(fontsize=7)
    return fig, ax
