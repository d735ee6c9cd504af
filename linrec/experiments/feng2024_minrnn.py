"""Feng et al. (2024), "Were RNNs all we needed?": minGRU / minLSTM trained on the CPU engine.

- :func:`parameter_counts` and :func:`stated_ratio`: exact parameter counts in linrec's
  conventions (PyTorch's for GRU, one bias vector for LSTM, readout excluded) against the
  paper's leading-order counts 2 d_h d_x (minGRU), 3 d_h d_x (minLSTM), 3 d_h (d_x + d_h) (GRU)
  and 4 d_h (d_x + d_h) (LSTM);
- :func:`time_training_step`: CPU seconds of one loss-and-gradient evaluation, for the
  scan-based (``mode="parallel"``) and step-by-step (``mode="sequential"``) minRNNs and for the
  BPTT GRU/LSTM;
- :func:`equivalence_run`: the same training run with the parallel and the sequential forward
  (same initial weights and data), to measure how far they drift apart;
- :func:`selective_copy_run`: one versus several stacked layers (the engine's ``layers=``
  option: layer l reads layer l-1's states) on :class:`linrec.tasks.SelectiveCopy`.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import numpy as np

from linrec import optim
from linrec._validation import as_rng, check_choice, check_positive_int
from linrec.models import GRU, LSTM, MinGRU, MinLSTM
from linrec.models.losses import accuracy
from linrec.tasks import SelectiveCopy

__all__ = [
    "PAPER_ID",
    "parameter_counts",
    "stated_ratio",
    "time_training_step",
    "timing_configs",
    "equivalence_run",
    "selective_copy_run",
]

PAPER_ID = "feng2024_minrnn"
_CLASSES = {"MinGRU": MinGRU, "MinLSTM": MinLSTM, "GRU": GRU, "LSTM": LSTM}


def parameter_counts(d_x: int, d_h: int) -> dict[str, int]:
    """Exact numbers of recurrent-layer parameters (readout excluded) in linrec's conventions.

    Parameters
    ----------
    d_x : int
        Input size.
    d_h : int
        State size.

    Returns
    -------
    dict of str to int
        Counted from the arrays of ``init``: minGRU 2 d_h d_x + 2 d_h, minLSTM 3 d_h d_x + 3 d_h,
        GRU 3 (d_h d_x + d_h^2 + 2 d_h) (PyTorch: two bias vectors), LSTM 4 (d_h d_x + d_h^2) +
        4 d_h (one bias vector; PyTorch has two, + 4 d_h).

    Examples
    --------
    >>> parameter_counts(1, 1)
    {'MinGRU': 4, 'MinLSTM': 6, 'GRU': 12, 'LSTM': 12}
    """
    d_x = check_positive_int(d_x, "d_x")
    d_h = check_positive_int(d_h, "d_h")
    out = {}
    for name, cls in _CLASSES.items():
        p = cls(d_x, d_h, 1).init(0)
        out[name] = int(sum(v.size for k, v in p.items() if k not in ("C", "c")))
    return out


def stated_ratio(model: str, expansion) -> np.ndarray:
    """The paper's leading-order parameter ratio against the full cell, with d_h = expansion * d_x.

    Parameters
    ----------
    model : {"MinGRU", "MinLSTM"}
        The minimal cell.
    expansion : float or array_like
        alpha = d_h / d_x.

    Returns
    -------
    numpy.ndarray
        2 d_h d_x / (3 d_h (d_x + d_h)) = 2 / (3 (1 + alpha)) for minGRU (1/3 at alpha = 1),
        3 / (4 (1 + alpha)) for minLSTM (3/8 at alpha = 1).

    Examples
    --------
    >>> [round(float(v), 4) for v in stated_ratio("MinGRU", [1, 2, 3, 4])]
    [0.3333, 0.2222, 0.1667, 0.1333]
    """
    model = check_choice(model, "model", ("MinGRU", "MinLSTM"))
    a = np.asarray(expansion, dtype=np.float64)
    if np.any(a <= 0):
        raise ValueError("expansion must be > 0")
    return 2.0 / (3.0 * (1.0 + a)) if model == "MinGRU" else 3.0 / (4.0 * (1.0 + a))


def _model(name: str, d_in: int, hidden: int, d_out: int, mode: str = "parallel", scan_method: str | None = None):
    name = check_choice(name, "model", tuple(_CLASSES))
    if name in ("MinGRU", "MinLSTM"):
        return _CLASSES[name](d_in, hidden, d_out, mode=mode, scan_method=scan_method)
    return _CLASSES[name](d_in, hidden, d_out)


def time_training_step(model: str, T: int, *, mode: str = "parallel", scan_method: str | None = None,
                       batch: int = 8, d_in: int = 32, hidden: int = 32, repeats: int = 5, rng=None) -> np.ndarray:
    """Wall-clock seconds of ``loss_and_grad`` (forward + backward) for one batch, per repeat.

    Parameters
    ----------
    model : {"MinGRU", "MinLSTM", "GRU", "LSTM"}
        The cell.
    T : int
        Sequence length.
    mode : {"parallel", "sequential"}, optional
        For the minimal cells: scan-based or step-by-step forward (ignored for GRU/LSTM). The
        backward pass is the adjoint scan in both modes.
    scan_method : str, optional
        The parallel mode's :func:`linrec.scan.linear_scan` method (default: the model's choice,
        the log-space scan for the positive candidate).
    batch : int, optional
        Sequences per batch.
    d_in : int, optional
        Input size.
    hidden : int, optional
        State size.
    repeats : int, optional
        Timed repeats (after one untimed warm-up).
    rng : Generator or int or None, optional
        Weights and data.

    Returns
    -------
    numpy.ndarray, shape (repeats,)
        Seconds per call (``time.perf_counter``).

    Examples
    --------
    >>> t = time_training_step("MinGRU", 16, repeats=2, rng=0)
    >>> t.shape, bool(np.all(t > 0))
    ((2,), True)
    """
    T = check_positive_int(T, "T")
    repeats = check_positive_int(repeats, "repeats")
    m = _model(model, d_in, hidden, 1, mode, scan_method)
    g = as_rng(rng)
    p = m.init(g)
    x = g.standard_normal((T, batch, d_in))
    y = g.standard_normal((T, batch, 1))
    m.loss_and_grad(p, x, y)
    out = np.empty(repeats)
    for r in range(repeats):
        t0 = time.perf_counter()
        m.loss_and_grad(p, x, y)
        out[r] = time.perf_counter() - t0
    return out


def timing_configs(profile: str = "quick") -> tuple[list[int], list[tuple[str, str, str | None]], dict[str, int]]:
    """Lengths, (model, mode, scan method) variants and sizes of the timing figure.

    Parameters
    ----------
    profile : {"quick", "full"}, optional
        ``"quick"``: T in {64, 128, 256, 512}, batch 16, d = 64, 7 repeats. ``"full"``: T up to
        4096, batch 64, d = 128 (the paper's 175x was at T = 512 on a GPU).

    Returns
    -------
    lengths : list of int
        Sequence lengths.
    variants : list of (str, str, str or None)
        (model, mode, scan_method): the minimal cells with the log-space and the chunked scan
        and step by step; GRU / LSTM (mode "bptt").
    sizes : dict
        ``batch``, ``d_in``, ``hidden``, ``repeats``.

    Examples
    --------
    >>> lengths, variants, sizes = timing_configs()
    >>> lengths[-1], variants[0]
    (512, ('MinGRU', 'parallel', 'log'))
    """
    check_choice(profile, "profile", ("quick", "full"))
    variants = [(cell, mode, meth) for cell in ("MinGRU", "MinLSTM")
                for mode, meth in (("parallel", "log"), ("parallel", "chunked"), ("sequential", None))]
    variants += [("GRU", "bptt", None), ("LSTM", "bptt", None)]
    if profile == "quick":
        return [64, 128, 256, 512], variants, {"batch": 16, "d_in": 64, "hidden": 64, "repeats": 7}
    return [64, 256, 512, 1024, 2048, 4096], variants, {"batch": 64, "d_in": 128, "hidden": 128, "repeats": 10}


def equivalence_run(model: str = "MinGRU", *, steps: int = 100, T: int = 64, batch: int = 8, hidden: int = 16,
                    lr: float = 1e-2, rng=None) -> dict[str, np.ndarray]:
    """Train the same minimal cell with the parallel and with the sequential forward side by side.

    Parameters
    ----------
    model : {"MinGRU", "MinLSTM"}, optional
        The cell.
    steps : int, optional
        Adam steps.
    T : int, optional
        Sequence length.
    batch : int, optional
        Sequences per step.
    hidden : int, optional
        State size.
    lr : float, optional
        Adam learning rate.
    rng : Generator or int or None, optional
        Initial weights and data (shared by both runs).

    Returns
    -------
    dict of numpy.ndarray
        ``loss_parallel``, ``loss_sequential`` (steps,), ``param_diff`` (steps,): the largest
        relative parameter difference max_k ||p_par - p_seq|| / ||p_par|| after each step.

    Notes
    -----
    Task: regress y_t = mean of the last 5 inputs' first channel (a smooth target every step)
    from 3 standard-normal channels; the two runs see the same batches.

    Examples
    --------
    >>> out = equivalence_run(steps=5, T=20, rng=0)
    >>> bool(np.max(out["param_diff"]) < 1e-10)
    True
    """
    model = check_choice(model, "model", ("MinGRU", "MinLSTM"))
    steps = check_positive_int(steps, "steps")
    g = as_rng(rng)
    mp, ms = _model(model, 3, hidden, 1, "parallel"), _model(model, 3, hidden, 1, "sequential")
    p_par = mp.init(g)
    p_seq = {k: v.copy() for k, v in p_par.items()}
    opt = optim.adam(lr)
    s_par, s_seq = opt.init(p_par), opt.init(p_seq)
    out = {k: np.empty(steps) for k in ("loss_parallel", "loss_sequential", "param_diff")}
    kern = np.ones(5) / 5
    for i in range(steps):
        x = g.standard_normal((T, batch, 3))
        y = np.apply_along_axis(lambda v: np.convolve(v, kern)[:T], 0, x[:, :, 0])[:, :, None]
        Lp, gp = mp.loss_and_grad(p_par, x, y)
        Ls, gs = ms.loss_and_grad(p_seq, x, y)
        up, s_par = opt.update(gp, s_par, p_par)
        us, s_seq = opt.update(gs, s_seq, p_seq)
        p_par, p_seq = optim.apply_updates(p_par, up), optim.apply_updates(p_seq, us)
        out["loss_parallel"][i], out["loss_sequential"][i] = Lp, Ls
        out["param_diff"][i] = max(np.linalg.norm(p_par[k] - p_seq[k]) / max(np.linalg.norm(p_par[k]), 1e-300)
                                   for k in p_par)
    return out


def _copy_accuracy(model, params, batch) -> np.ndarray:
    """Accuracy at each of the n_copy output positions."""
    y = model.forward(params, batch.x)
    T = batch.x.shape[0]
    K = int(batch.mask.sum())
    return np.array([accuracy(y[T - K + k: T - K + k + 1], batch.target[T - K + k: T - K + k + 1])
                     for k in range(K)])


def selective_copy_run(config: Mapping[str, Any], rng=None) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """Train ``layers`` stacked minGRU (or minLSTM) layers on selective copying.

    Parameters
    ----------
    config : mapping
        ``layers`` (1, 2, ...), ``cell`` ("MinGRU"/"MinLSTM"), ``residual`` (skip connections
        between layers), ``n_symbols``, ``n_copy``, ``length``, ``hidden``, ``lr`` (Adam, cosine
        decay), ``steps``, ``batch_size``, ``eval_every``, ``eval_batch``.
    rng : Generator or int or None, optional
        Weights, held-out batch, then training data.

    Returns
    -------
    arrays : dict of numpy.ndarray
        ``loss`` (steps,), ``eval_steps``, ``eval_accuracy`` (evals x n_copy: accuracy at each
        output position).
    meta : dict
        ``final_accuracy`` (mean over positions at the end), ``n_params``.

    Examples
    --------
    >>> a, m = selective_copy_run({"steps": 4, "eval_every": 2, "length": 6, "n_copy": 2}, rng=0)
    >>> a["eval_accuracy"].shape, m["n_params"] > 0
    ((3, 2), True)
    """
    cfg = {"layers": 1, "cell": "MinGRU", "n_symbols": 4, "n_copy": 3, "length": 12, "hidden": 32, "residual": False,
           "lr": 1e-2, "steps": 1500, "batch_size": 32, "eval_every": 100, "eval_batch": 512}
    unknown = set(config) - set(cfg)
    if unknown:
        raise ValueError(f"config has unknown keys {sorted(unknown)}")
    cfg.update(config)
    L = check_positive_int(cfg["layers"], "config['layers']")
    cell = check_choice(cfg["cell"], "config['cell']", ("MinGRU", "MinLSTM"))
    steps = check_positive_int(cfg["steps"], "config['steps']")
    task = SelectiveCopy(cfg["n_symbols"], cfg["n_copy"], cfg["length"])
    model = _CLASSES[cell](task.input_dim, int(cfg["hidden"]), task.output_dim, layers=L,
                           residual=bool(cfg["residual"]))
    g = as_rng(rng)
    params = model.init(g)
    held = task.sample(np.random.default_rng(int(g.integers(2**63))), int(cfg["eval_batch"]))
    opt = optim.adam(optim.cosine_decay(float(cfg["lr"]), steps))
    state = opt.init(params)
    loss = np.full(steps, np.nan)
    ev_steps, ev_acc = [], []
    every = check_positive_int(cfg["eval_every"], "config['eval_every']")
    for step in range(steps):
        if step % every == 0:
            ev_steps.append(step)
            ev_acc.append(_copy_accuracy(model, params, held))
        b = task.sample(g, int(cfg["batch_size"]))
        L_, grads = model.loss_and_grad(params, b.x, b.target, b.mask, loss="ce")
        loss[step] = L_
        upd, state = opt.update(grads, state, params)
        params = optim.apply_updates(params, upd)
    ev_steps.append(steps)
    ev_acc.append(_copy_accuracy(model, params, held))
    arrays = {"loss": loss, "eval_steps": np.asarray(ev_steps, dtype=np.int64), "eval_accuracy": np.asarray(ev_acc)}
    meta = {"final_accuracy": float(np.mean(ev_acc[-1])), "n_params": int(sum(v.size for v in params.values())),
            "final_loss": float(np.mean(loss[-50:]))}
    return arrays, meta
