"""Learning-rate sweeps of a diagonal ZOH state-space model under each reparameterization
(Wang & Li 2024, "StableSSM").

A continuous-time diagonal SSM (:class:`linrec.models.DiagonalSSM`: lambda_c = f(w) with
f in {direct, exp, softplus, best}, zero-order hold with step dt, no feed-through) learns a
linear functional with exponential or polynomial memory (:class:`linrec.tasks.LinearFunctional`)
with Adam at a constant learning rate. Each run records

* its outcome: ``left_stable`` (a direct weight crossed lambda_c = 0, after which the ZOH model
  is undefined and its outputs grow like e^{|lambda| t}; counted as a divergence), ``diverged``
  (non-finite or exploding loss, or ``left_stable``) and the final/initial loss ratio;
* the measured gradient-over-weight ratio ||dL/dw|| / ||w|| of the recurrent weights per step;
* at checkpoints, the per-mode gradient |dL/dw_i| against the gradient-scale bound

      |dL/dw_i| <= ||e||_inf |c_i b_i| G_f(w_i),   G_f(w) = |f'(w)| / f(w)^2,

  where e_s = k_s - k*_s is the kernel error. This is StableSSM's Thm 3.6 made explicit for the
  engine's loss: with L = 1/2 sum_s (T - s)/T e_s^2 (white-noise population loss) and the ZOH
  kernel k_s = sum_i c_i b_i int_{s dt}^{(s+1) dt} e^{lambda_i t} dt,
  dL/dlambda_i = sum_s (T - s)/T e_s c_i b_i int_{s dt}^{(s+1) dt} t e^{lambda_i t} dt, and
  sum_s int_{s dt}^{(s+1) dt} t e^{lambda t} dt <= int_0^inf t e^{lambda t} dt = 1/lambda^2;
  multiplying by |f'(w_i)| gives the bound (:func:`gradient_bound`);
* the paper's criterion ||G_f(w)|| / ||w|| (:func:`linrec.reparam.gradient_over_weight`,
  ``kind="norm"``), the gradient-over-weight ratio the gradient scale predicts for unit error
  and unit readout.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from linrec._validation import as_float_array, check_choice, check_nonnegative_int, check_positive_int

__all__ = ["gradient_bound", "run_lr", "outcome_table", "max_tolerated_lr"]

_MAPS = ("direct", "exp", "softplus", "best")
_DEFAULTS = {"reparam": "exp", "kernel": "exp", "kernel_params": None, "T": 200, "dt": 0.1, "delta": None, "hidden": 16,
             "lam_min": 0.1, "lam_max": 10.0, "lr": 1e-2, "steps": 300, "objective": "population",
             "batch_size": 32, "record_every": 10, "optimizer": "adam", "weight_decay": 0.01, "schedule": "constant"}
_KERNEL_PARAMS = {"exp": {"tau": 2.0}, "poly": {"power": 1.5}}


def gradient_bound(reparam: str, params: Mapping[str, Any], k_err: Any) -> np.ndarray:
    """Per-mode bound ||e||_inf |c_i b_i| G_f(w_i) on |dL/dw_i| for the ZOH diagonal SSM.

    Parameters
    ----------
    reparam : {"direct", "exp", "softplus", "best"}
        Continuous-time map lambda_c = f(w).
    params : mapping
        Parameters of a single-input single-output :class:`linrec.models.DiagonalSSM`
        (``w`` (N,), ``B`` (N, 1), ``C`` (1, N)).
    k_err : array_like
        Kernel error e_s = k_s - k*_s, shape (T,) or (T, 1, 1).

    Returns
    -------
    numpy.ndarray
        The bound for each mode, shape (N,).

    Examples
    --------
    >>> from linrec import models
    >>> m = models.DiagonalSSM(1, 3, 1, reparam="best", delta=0.1, feedthrough=False)
    >>> p = m.init(0)
    >>> k_star = np.exp(-0.1 * np.arange(50)).reshape(50, 1, 1)
    >>> L, g = m.population_loss_and_grad(p, k_star)
    >>> bound = gradient_bound("best", p, m.impulse_response(p, 50) - k_star)
    >>> bool(np.all(np.abs(g["w"]) <= bound))
    True
    """
    from linrec.reparam import reparam as _reparam
    from linrec.reparam.criteria import gradient_scale

    m = _reparam(check_choice(reparam, "reparam", _MAPS), time="continuous")
    w = as_float_array(params["w"], "params['w']", allow_complex=False).ravel()
    cb = np.abs(np.asarray(params["C"], dtype=np.float64).ravel() * np.asarray(params["B"], dtype=np.float64).ravel())
    if cb.shape != w.shape:
        raise ValueError(f"params must describe a single-input single-output model; got B {np.shape(params['B'])}, "
                         f"C {np.shape(params['C'])} for {w.size} modes")
    e = float(np.max(np.abs(as_float_array(k_err, "k_err", allow_complex=False))))
    return e * cb * gradient_scale(m, w)


def run_lr(config: Mapping[str, Any], rng=None) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """Train one DiagonalSSM with Adam at one learning rate (the unit of work of the sweep).

    Parameters
    ----------
    config : mapping
        Keys (defaults in brackets): ``reparam`` ["exp"], ``kernel`` ("exp" or "poly") ["exp"],
        ``kernel_params`` [tau = 2 for exp, power = 1.5 for poly], ``T`` [200], ``dt`` (sampling
        step of the target kernel, rho(s dt)) [0.1], ``delta`` (ZOH step of the model; None: dt),
        ``hidden`` [16], ``lam_min``/``lam_max`` (initial continuous rates, log-uniform)
        [0.1, 10], ``lr`` [1e-2], ``steps`` [300], ``objective`` ("population": exact white-noise
        loss; "sample": fresh batches of ``batch_size``) ["population"], ``batch_size`` [32],
        ``record_every`` (checkpoints of the gradient bound; 0: none) [10], ``optimizer``
        ("adam" or "adamw") ["adam"], ``weight_decay`` (adamw only) [0.01], ``schedule``
        ("constant" or "cosine": decay to 0 over ``steps``) ["constant"].
    rng : Generator or int or None, optional
        Random source of the initial parameters (and of the data for ``objective="sample"``).

    Returns
    -------
    arrays : dict of numpy.ndarray
        ``loss`` (per step), ``ratio`` (measured ||dL/dw|| / ||w|| per step), ``ck_steps``,
        ``ck_ratio_bound`` (||bound|| / ||w||), ``ck_criterion`` (||G_f(w)|| / ||w||),
        ``ck_grad_over_bound`` (max_i |dL/dw_i| / bound_i), ``ck_min_rate`` (min_i |lambda_i|).
    meta : dict
        ``diverged``, ``left_stable``, ``diverged_at``, ``steps_done``, ``initial_loss``,
        ``final_loss`` (mean of the last 10 steps; inf if diverged) and ``loss_ratio``.

    Examples
    --------
    >>> arrays, meta = run_lr({"reparam": "best", "steps": 20, "T": 50, "hidden": 4, "lr": 1e-2}, rng=0)
    >>> meta["diverged"], bool(meta["loss_ratio"] < 1)
    (False, True)
    """
    from linrec import models, optim, tasks
    from linrec._validation import as_rng
    from linrec.reparam import reparam as _reparam
    from linrec.reparam.criteria import gradient_over_weight
    from linrec.train import train

    unknown = set(config) - set(_DEFAULTS)
    if unknown:
        raise ValueError(f"config has unknown keys {sorted(unknown)}; expected some of {sorted(_DEFAULTS)}")
    c = {**_DEFAULTS, **dict(config)}
    name = check_choice(c["reparam"], "config['reparam']", _MAPS)
    kernel = check_choice(c["kernel"], "config['kernel']", ("exp", "poly"))
    objective = check_choice(c["objective"], "config['objective']", ("population", "sample"))
    opt_name = check_choice(c["optimizer"], "config['optimizer']", ("adam", "adamw"))
    schedule = check_choice(c["schedule"], "config['schedule']", ("constant", "cosine"))
    kp = dict(_KERNEL_PARAMS[kernel] if c["kernel_params"] is None else c["kernel_params"])
    T, steps = check_positive_int(c["T"], "T"), check_positive_int(c["steps"], "steps")
    every = check_nonnegative_int(c["record_every"], "record_every")
    lr = float(c["lr"])
    if not (lr > 0 and math.isfinite(lr)):
        raise ValueError(f"config['lr'] must be positive; got {c['lr']!r}")
    task = tasks.LinearFunctional(kernel, T, float(c["dt"]), kp)
    k_star = task.impulse_response()
    delta = float(c["dt"] if c["delta"] is None else c["delta"])
    model = models.DiagonalSSM(1, check_positive_int(c["hidden"], "hidden"), 1, reparam=name, delta=delta,
                               lam_min=float(c["lam_min"]), lam_max=float(c["lam_max"]), feedthrough=False)
    fmap = _reparam(name, time="continuous")
    g = as_rng(rng)
    params = model.init(g)
    ck = {"steps": [], "ratio_bound": [], "criterion": [], "grad_over_bound": [], "min_rate": []}
    state = {"left": False}

    def checkpoint(step, p):
        _, grads = model.population_loss_and_grad(p, k_star)
        bound = gradient_bound(name, p, model.impulse_response(p, T) - k_star)
        w = p["w"]
        ck["steps"].append(step)
        ck["ratio_bound"].append(float(np.linalg.norm(bound) / np.linalg.norm(w)))
        ck["criterion"].append(float(gradient_over_weight(fmap, w, kind="norm")))
        with np.errstate(divide="ignore", invalid="ignore"):
            q = np.where(bound > 0, np.abs(grads["w"]) / bound, 0.0)
        ck["grad_over_bound"].append(float(np.max(q)))
        ck["min_rate"].append(float(np.min(-fmap.f(w))))

    if every:
        checkpoint(0, params)

    def callback(step, p, L):
        if name == "direct" and np.any(p["w"] >= 0):
            state["left"] = True
            return True
        if every and (step + 1) % every == 0:
            checkpoint(step + 1, p)
        return False

    rate = lr if schedule == "constant" else optim.cosine_decay(lr, steps)
    opt = optim.adam(rate) if opt_name == "adam" else optim.adamw(rate, weight_decay=float(c["weight_decay"]))
    h = train(model, task, opt, steps=steps, batch_size=int(c["batch_size"]), rng=g, params=params,
              objective=objective, eig_every=0, callback=callback)
    n = h.steps_done
    diverged = bool(h.diverged or state["left"])
    loss = h.loss[: max(n, 1)].copy()
    init_loss = float(h.loss[0])
    final = math.inf if diverged else float(np.mean(h.loss[max(0, n - 10):n]))
    arrays = {"loss": loss, "ratio": h.grad_weight_ratio["recurrent"][: max(n, 1)].copy(),
              **{f"ck_{k}": np.asarray(v, dtype=np.int64 if k == "steps" else np.float64) for k, v in ck.items()}}
    meta = {"diverged": diverged, "left_stable": bool(state["left"]),
            "diverged_at": int(n if state["left"] else h.diverged_at), "steps_done": int(n),
            "initial_loss": init_loss, "final_loss": final, "loss_ratio": final / init_loss}
    return arrays, meta


def outcome_table(metas: Any, *, success: float = 1e-2) -> dict[str, np.ndarray]:
    """Classify runs into unstable / failed / trained.

    Parameters
    ----------
    metas : array_like of dict
        Run metadata from :func:`run_lr`, any shape (e.g. learning rates x seeds).
    success : float, optional
        A finite run is "trained" if its final/initial loss ratio is below this.

    Returns
    -------
    dict of numpy.ndarray
        Boolean arrays of the input's shape: ``unstable`` (left the stable region or diverged),
        ``failed`` (finite, ratio >= ``success``), ``trained``; and ``ratio`` (float, inf when
        unstable).

    Examples
    --------
    >>> t = outcome_table([{"diverged": True, "loss_ratio": math.inf}, {"diverged": False, "loss_ratio": 1e-3}])
    >>> t["unstable"].tolist(), t["trained"].tolist()
    ([True, False], [False, True])
    """
    arr = np.asarray(metas, dtype=object)
    unstable = np.vectorize(lambda m: bool(m["diverged"]), otypes=[bool])(arr)
    ratio = np.vectorize(lambda m: math.inf if m["diverged"] else float(m["loss_ratio"]), otypes=[float])(arr)
    trained = ~unstable & (ratio < success)
    return {"unstable": unstable, "failed": ~unstable & ~trained, "trained": trained, "ratio": ratio}


def max_tolerated_lr(lrs: Any, ratios: Any, *, success: float = 1e-2) -> float:
    """Largest learning rate whose median final/initial loss ratio over seeds is below ``success``.

    Parameters
    ----------
    lrs : array_like
        Learning rates (L,).
    ratios : array_like
        Final/initial loss ratios (L, S) (inf for unstable runs).
    success : float, optional
        Threshold on the median ratio.

    Returns
    -------
    float
        The largest such rate, or 0.0 if none.

    Examples
    --------
    >>> max_tolerated_lr([1e-3, 1e-2, 1e-1], [[1e-3, 1e-3], [1e-4, 2e-3], [np.inf, 0.5]])
    0.01
    """
    lrs = as_float_array(lrs, "lrs", allow_complex=False)
    r = np.asarray(ratios, dtype=np.float64)
    if r.ndim != 2 or r.shape[0] != lrs.size:
        raise ValueError(f"ratios must have shape ({lrs.size}, seeds); got {r.shape}")
    ok = np.median(r, axis=1) < success
    return float(np.max(lrs[ok])) if np.any(ok) else 0.0
