"""Pascanu, Mikolov & Bengio (ICML 2013): gradient clipping and the vanishing-gradient regulariser,
trained on the adding and temporal-order problems with a tanh Elman network.

The protocol (:func:`run`) trains :class:`linrec.models.ElmanRNN` with plain (or momentum) SGD in
one of four ways, as in the paper's Sec. 5:

- ``"sgd"``: the raw gradient;
- ``"clip"``: the gradient rescaled to global norm ``clip`` when larger (Algorithm 1,
  :func:`linrec.optim.clip_by_global_norm`);
- ``"reg"``: the gradient of E + alpha Omega (no clipping);
- ``"clip_reg"``: both (the paper's MSGD-CR).

Omega is the regulariser of Eq. (10),

    Omega = sum_k ( ||dE/dh_k . dh_k/dh_{k-1}|| / ||dE/dh_k|| - 1 )^2,

averaged over the (step, sequence) pairs whose ||dE/dh_k||^2 >= ``bound``, as in the authors'
``RNN.py``. Its gradient is the paper's "immediate" derivative (Sec. 3.3, after Eq. (10)): dE/dh_k and the states
h (hence phi'(pre_k)) are held constant, only the explicit W in dh_k/dh_{k-1} = diag(phi'_k) W is
differentiated (:func:`omega_and_grad`, checked against finite differences of exactly that
function in ``tests/test_experiments_pascanu2013.py``). The authors' code squares both norms
(``power=2``; that variant is also :meth:`linrec.models.ElmanRNN.omega_and_grad`); the paper's
Eq. (10) does not (``power=1``, our default).

A run is *solved* when the error on a held-out batch (temporal order: wrong class at the last
step; adding: squared error above 0.04, the authors' criterion) is at most ``tol``; training stops
there. Along training the module records the measured Jacobian products
log ||dh_T/dh_{T-k}|| (:mod:`linrec.jacobians`) and Pascanu's bound eta = sigma_max(W).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from linrec import optim
from linrec._validation import as_rng, check_choice, check_positive_int
from linrec.jacobians import gradient_log_norms, pascanu_bound, rnn_jacobians, rnn_trajectory
from linrec.models import ElmanRNN
from linrec.models.losses import loss_and_dy
from linrec.tasks import Adding, TemporalOrder

__all__ = [
    "PAPER_ID",
    "METHODS",
    "omega_and_grad",
    "regularized_loss_and_grad",
    "task_error",
    "jacobian_log_norms",
    "default_config",
    "make_task",
    "run",
    "success_configs",
    "success_table",
]

PAPER_ID = "pascanu2013"
#: training variants: raw SGD, clipped, regularised, clipped and regularised (MSGD-CR)
METHODS = ("sgd", "clip", "reg", "clip_reg")


def omega_and_grad(W, gpre, delta, *, power: int = 1, bound: float = 1e-20):
    """Pascanu's regulariser Omega and its immediate gradient in W (adjoints and states fixed).

    Parameters
    ----------
    W : array_like, shape (N, N)
        Recurrent matrix of h_k = phi(W h_{k-1} + U x_k + b).
    gpre : array_like, shape (T, B, N)
        delta_k * phi'(pre_k): the adjoint of the pre-activation, so that ``gpre[k] @ W`` is
        dE/dh_k . dh_k/dh_{k-1} (row-vector convention).
    delta : array_like, shape (T, B, N)
        delta_k = dE/dh_k (total derivative, through all later steps).
    power : {1, 2}, optional
        1: the paper's Eq. (10) (ratio of norms); 2: the authors' code (ratio of squared norms).
    bound : float, optional
        Pairs (k, b) with ||delta_kb||^2 < bound are left out (the code's ``bound``).

    Returns
    -------
    omega : float
        mean over kept pairs of (rho_kb^power - 1)^2, rho = ||gpre W|| / ||delta||.
    grad_W : numpy.ndarray, shape (N, N)
        d omega / dW with ``gpre`` and ``delta`` held constant:
        (1/n) sum 2 (rho^p - 1) p rho^(p-2) / ||delta||^2 * gpre^T (gpre W).
    rho : numpy.ndarray, shape (T, B)
        The per-step norm ratios (NaN where left out).

    Examples
    --------
    >>> W = 2.0 * np.eye(2)
    >>> d = np.ones((3, 1, 2))
    >>> om, gW, rho = omega_and_grad(W, d, d)      # rho = 2 everywhere: Omega = (2 - 1)^2
    >>> float(om), rho.ravel().tolist()
    (1.0, [2.0, 2.0, 2.0])
    """
    W = np.asarray(W)
    if W.dtype.kind not in "fc":  # complex W allowed for complex-step checks
        W = W.astype(np.float64)
    gpre = np.asarray(gpre)
    delta = np.asarray(delta)
    if W.ndim != 2 or W.shape[0] != W.shape[1]:
        raise ValueError(f"W must be square (N, N); got {W.shape}")
    if gpre.ndim != 3 or gpre.shape[2] != W.shape[0] or delta.shape != gpre.shape:
        raise ValueError(f"gpre and delta must have the same shape (T, B, {W.shape[0]}); got {gpre.shape} "
                         f"and {delta.shape}")
    if power not in (1, 2):
        raise ValueError(f"power must be 1 or 2; got {power!r}")
    v = gpre @ W
    nv2 = np.sum(v * v, axis=2)
    nd2 = np.sum(delta * delta, axis=2)
    ok = nd2 >= bound
    n = int(np.sum(ok))
    if n == 0:
        return 0.0, np.zeros_like(W), np.full(nd2.shape, np.nan)
    safe_d = np.where(ok, nd2, 1.0)
    rho = np.sqrt(nv2 / safe_d)
    q = rho**power
    om = np.sum(np.where(ok, (q - 1.0) ** 2, 0.0)) / n
    om = om if np.iscomplexobj(om) else float(om)
    if power == 2:
        coef = 4.0 * (q - 1.0) / safe_d
    else:  # 2 (rho - 1) / (||v|| ||delta||); the norm is not differentiable at v = 0 (rho = 0): use 0
        with np.errstate(divide="ignore", invalid="ignore"):
            coef = np.where(np.real(nv2) > 0, 2.0 * (rho - 1.0) / np.sqrt(nv2 * safe_d), 0.0)
    coef = np.where(ok, coef, 0.0) / n
    m = gpre.shape[0] * gpre.shape[1]
    gW = (gpre * coef[:, :, None]).reshape(m, -1).T @ v.reshape(m, -1)
    return om, gW, np.where(ok, rho, np.nan)


def regularized_loss_and_grad(model, params, x, target, mask=None, *, loss: str = "mse", alpha: float = 0.0,
                              power: int = 1, bound: float = 1e-20):
    """Task loss E, the gradient of E + alpha Omega, and Omega for an Elman network (zero h0).

    Parameters
    ----------
    model : linrec.models.ElmanRNN
        The network (any activation).
    params : dict of numpy.ndarray
        Its parameters ``W, U, b, C, c``.
    x : array_like, shape (T, B, d_in)
        Inputs.
    target : array_like
        Targets (see :func:`linrec.models.losses.loss_and_dy`).
    mask : array_like of bool, shape (T,), optional
        Steps that count in E.
    loss : {"mse", "ce"}, optional
        Task loss.
    alpha : float, optional
        Weight of Omega in the gradient (0: plain backpropagation through time).
    power : {1, 2}, optional
        See :func:`omega_and_grad`.
    bound : float, optional
        See :func:`omega_and_grad`.

    Returns
    -------
    E : float
        Task loss (without Omega).
    grads : dict of numpy.ndarray
        dE/dparams, with alpha * dOmega/dW (immediate derivative) added to ``"W"``.
    omega : float
        Omega at ``params``.
    rho : numpy.ndarray, shape (T, B)
        Per-step norm ratios ||dE/dh_k dh_k/dh_{k-1}|| / ||dE/dh_k||.

    Notes
    -----
    One forward pass with the states, then the adjoint recurrence delta_k = C^T dy_k +
    W^T (phi'_{k+1} * delta_{k+1}), which gives both dE/dparams (the same values as
    ``model.loss_and_grad``, checked in the tests) and the delta_k that Omega needs.

    Examples
    --------
    >>> from linrec.models import ElmanRNN
    >>> m = ElmanRNN(2, 3, 1)
    >>> p = m.init(0)
    >>> x = np.random.default_rng(1).normal(size=(6, 4, 2)); t = np.zeros((6, 4, 1))
    >>> E, g, om, rho = regularized_loss_and_grad(m, p, x, t)
    >>> bool(np.allclose(g["W"], m.loss_and_grad(p, x, t)[1]["W"])), rho.shape
    (True, (6, 4))
    """
    if not isinstance(model, ElmanRNN):
        raise TypeError(f"model must be a linrec.models.ElmanRNN; got {type(model).__name__}")
    if not alpha >= 0:
        raise ValueError(f"alpha must be >= 0; got {alpha!r}")
    y, h = model.forward(params, x, return_states=True)
    x = np.asarray(x, dtype=np.float64)
    E, dy = loss_and_dy(loss, y, target, mask)
    W, C = params["W"], params["C"]
    if model.activation == "tanh":
        dphi = 1.0 - h * h
    elif model.activation == "sigmoid":
        dphi = h * (1.0 - h)
    else:
        dphi = (h > 0).astype(np.float64)  # relu: h > 0 exactly where the pre-activation is
    gh = dy @ C
    T = x.shape[0]
    delta = np.empty_like(gh)
    gpre = np.empty_like(gh)
    carry = np.zeros_like(gh[0])
    for k in range(T - 1, -1, -1):
        delta[k] = gh[k] + carry
        gpre[k] = delta[k] * dphi[k]
        carry = gpre[k] @ W
    hprev = np.concatenate([np.zeros_like(h[:1]), h[:-1]])
    n = T * x.shape[1]
    g2, dy2 = gpre.reshape(n, -1), dy.reshape(n, -1)
    grads = {"W": g2.T @ hprev.reshape(n, -1), "U": g2.T @ x.reshape(n, -1), "b": g2.sum(0),
             "C": dy2.T @ h.reshape(n, -1), "c": dy2.sum(0)}
    om, gW, rho = omega_and_grad(W, gpre, delta, power=power, bound=bound)
    if alpha > 0:
        grads["W"] = grads["W"] + alpha * gW
    return E, grads, om, rho


def task_error(task, y, target) -> float:
    """Pascanu et al.'s test error at the last step.

    Parameters
    ----------
    task : linrec.tasks.Adding or linrec.tasks.TemporalOrder
        The task (decides the criterion).
    y : array_like, shape (T, B, d_out)
        Network outputs.
    target : array_like
        The batch's targets.

    Returns
    -------
    float
        Temporal order: fraction of sequences whose arg-max class at the last step is wrong.
        Adding: fraction whose squared error at the last step exceeds 0.04 (``RNN.py``).

    Examples
    --------
    >>> from linrec.tasks import Adding
    >>> t = np.zeros((10, 2, 1)); y = t.copy(); y[-1, 0, 0] = 0.5
    >>> task_error(Adding(10), y, t)
    0.5
    """
    y = np.asarray(y)
    target = np.asarray(target)
    if isinstance(task, TemporalOrder):
        return float(np.mean(np.argmax(y[-1], axis=-1) != target[-1]))
    if isinstance(task, Adding):
        return float(np.mean(np.sum((y[-1] - target[-1]) ** 2, axis=-1) > 0.04))
    raise TypeError(f"task must be Adding or TemporalOrder; got {type(task).__name__}")


def jacobian_log_norms(params, x, *, activation: str = "tanh"):
    """Measured log ||dh_T/dh_{T-k}||_2, k = 0..T, averaged over sequences; and Pascanu's eta.

    Parameters
    ----------
    params : dict of numpy.ndarray
        Elman parameters ``W, U, b`` (``C, c`` ignored).
    x : array_like, shape (T, B, d_in)
        Input sequences (each run from h_0 = 0).
    activation : {"tanh", "sigmoid", "relu"}, optional
        The network's nonlinearity.

    Returns
    -------
    log_norms : numpy.ndarray, shape (T + 1,)
        Mean over the B sequences of log ||J_T ... J_{T-k+1}||_2 with J_t = diag(phi'(a_t)) W
        (:func:`linrec.jacobians.rnn_jacobians`, :func:`linrec.jacobians.gradient_log_norms`).
    eta : float
        sigma_max(W) times sup|phi'| (:func:`linrec.jacobians.pascanu_bound`): log_norms[k] <=
        k log eta.

    Examples
    --------
    >>> p = {"W": 0.5 * np.eye(2), "U": np.zeros((2, 1)), "b": np.zeros(2)}
    >>> ln, eta = jacobian_log_norms(p, np.zeros((3, 1, 1)))
    >>> [round(float(np.exp(v)), 6) for v in ln], eta
    ([1.0, 0.5, 0.25, 0.125], 0.5)
    """
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 3:
        raise ValueError(f"x must have shape (T, B, d_in); got {x.shape}")
    W, U, b = params["W"], params["U"], params["b"]
    logs = []
    for j in range(x.shape[1]):
        _, a = rnn_trajectory(W, U, x[:, j], b=b, activation=activation)
        logs.append(gradient_log_norms(rnn_jacobians(W, a, activation=activation)))
    _, eta = pascanu_bound(W, 1, activation=activation)
    return np.mean(logs, axis=0), float(eta)


def default_config() -> dict[str, Any]:
    """The quick-profile defaults of :func:`run` (a fresh dict).

    Returns
    -------
    dict
        ``task`` ("temporal_order" or "adding"), ``T``, ``hidden``, ``method`` (one of
        :data:`METHODS`), ``lr``, ``beta`` (momentum, 0 = plain SGD), ``clip`` (threshold),
        ``alpha`` (Omega weight), ``power`` (1: Eq. (10); 2: the code), ``init_scheme``,
        ``radius``, ``steps`` (maximum), ``batch_size``, ``eval_every``, ``eval_batch``, ``tol``
        (solved when the held-out error is <= tol), ``jac_every`` (evaluations between Jacobian
        records), ``jac_batch`` (sequences for the Jacobian products).

    Examples
    --------
    >>> c = default_config()
    >>> c["task"], c["method"], c["clip"]
    ('temporal_order', 'clip', 1.0)
    """
    return {"task": "temporal_order", "T": 20, "hidden": 20, "method": "clip", "lr": 0.2, "beta": 0.0,
            "clip": 1.0, "alpha": 2.0, "power": 1, "init_scheme": "normal", "radius": 1.0, "steps": 2000,
            "batch_size": 20, "eval_every": 50, "eval_batch": 500, "tol": 0.01, "jac_every": 5, "jac_batch": 4}


def make_task(name: str, T: int):
    """The task object for a configuration.

    Parameters
    ----------
    name : {"temporal_order", "adding"}
        Task name.
    T : int
        Sequence length.

    Returns
    -------
    linrec.tasks.TemporalOrder or linrec.tasks.Adding
        The task (2-bit temporal order; fixed-length adding).

    Examples
    --------
    >>> make_task("adding", 20).input_dim
    2
    """
    name = check_choice(name, "name", ("temporal_order", "adding"))
    return TemporalOrder(T) if name == "temporal_order" else Adding(T)


def run(config: Mapping[str, Any], rng=None) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """Train one Elman network with one method; the unit of work of the sweeps.

    Parameters
    ----------
    config : mapping
        Overrides of :func:`default_config`.
    rng : Generator or int or None, optional
        Random source: initial weights, then the held-out batch's seed, then the training data.

    Returns
    -------
    arrays : dict of numpy.ndarray
        ``loss``, ``grad_norm`` (global norm before clipping, including alpha dOmega/dW),
        ``omega`` (per step, NaN after the stop), ``eval_steps``, ``eval_error``, ``jac_steps``,
        ``jac_log_norms`` (records x (T + 1)), ``eta`` (per record).
    meta : dict
        ``solved``, ``solve_step`` (-1 if unsolved), ``diverged``, ``final_error``,
        ``max_grad_norm``, ``final_loss`` (the last training loss).

    Examples
    --------
    >>> arrays, meta = run({"T": 10, "hidden": 6, "steps": 20, "eval_every": 10, "eval_batch": 50}, rng=0)
    >>> arrays["loss"].shape, arrays["jac_log_norms"].shape[1], meta["diverged"]
    ((20,), 11, False)
    """
    cfg = default_config()
    unknown = set(config) - set(cfg)
    if unknown:
        raise ValueError(f"config has unknown keys {sorted(unknown)}")
    cfg.update(config)
    method = check_choice(cfg["method"], "config['method']", METHODS)
    steps = check_positive_int(cfg["steps"], "config['steps']")
    eval_every = check_positive_int(cfg["eval_every"], "config['eval_every']")
    jac_every = check_positive_int(cfg["jac_every"], "config['jac_every']")
    task = make_task(cfg["task"], int(cfg["T"]))
    model = ElmanRNN(task.input_dim, int(cfg["hidden"]), task.output_dim, init_scheme=cfg["init_scheme"],
                     radius=float(cfg["radius"]))
    g = as_rng(rng)
    params = model.init(g)
    held = task.sample(np.random.default_rng(int(g.integers(2**63))), int(cfg["eval_batch"]))
    xj = held.x[:, : int(cfg["jac_batch"])]
    base = optim.sgd(float(cfg["lr"])) if float(cfg["beta"]) == 0 else optim.momentum(float(cfg["lr"]),
                                                                                        float(cfg["beta"]))
    opt = optim.chain(optim.clip_by_global_norm(float(cfg["clip"])), base) if "clip" in method else base
    alpha = float(cfg["alpha"]) if "reg" in method else 0.0
    state = opt.init(params)
    loss = np.full(steps, np.nan)
    gnorm = np.full(steps, np.nan)
    omega = np.full(steps, np.nan)
    ev_steps, ev_err, jac_steps, jac_ln, etas = [], [], [], [], []
    solved, solve_step, diverged = False, -1, False

    def evaluate(step):
        err = task_error(task, model.forward(params, held.x), held.target)
        ev_steps.append(step)
        ev_err.append(err)
        return err

    def record_jac(step):
        ln, eta = jacobian_log_norms(params, xj, activation=model.activation)
        jac_steps.append(step)
        jac_ln.append(ln)
        etas.append(eta)

    step = 0
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        for step in range(steps):
            if step % eval_every == 0:
                if (step // eval_every) % jac_every == 0:
                    record_jac(step)
                if evaluate(step) <= cfg["tol"]:
                    solved, solve_step = True, step
                    break
            b = task.sample(g, int(cfg["batch_size"]))
            E, grads, om, _ = regularized_loss_and_grad(model, params, b.x, b.target, b.mask, loss=task.loss,
                                                        alpha=alpha, power=int(cfg["power"]))
            gn = optim.global_norm(grads)
            loss[step], gnorm[step], omega[step] = E, gn, om
            if not (np.isfinite(E) and np.isfinite(gn)):
                diverged = True
                break
            upd, state = opt.update(grads, state, params)
            new = optim.apply_updates(params, upd)
            if not all(np.all(np.isfinite(v)) for v in new.values()):
                diverged = True
                break
            params = new
        else:
            step = steps
            if evaluate(steps) <= cfg["tol"]:
                solved, solve_step = True, steps
    if not diverged and (not jac_steps or jac_steps[-1] != step):
        record_jac(step)
    arrays = {"loss": loss, "grad_norm": gnorm, "omega": omega, "eval_steps": np.asarray(ev_steps, dtype=np.int64),
              "eval_error": np.asarray(ev_err), "jac_steps": np.asarray(jac_steps, dtype=np.int64),
              "jac_log_norms": np.asarray(jac_ln).reshape(len(jac_ln), task.T + 1), "eta": np.asarray(etas)}
    done = loss[np.isfinite(loss)]
    meta = {"solved": bool(solved), "solve_step": int(solve_step), "diverged": bool(diverged),
            "final_error": float(ev_err[-1]) if ev_err and not diverged else 1.0,
            "max_grad_norm": float(np.nanmax(gnorm)) if np.any(np.isfinite(gnorm)) else math.nan,
            "final_loss": float(done[-1]) if done.size and not diverged else math.inf}
    return arrays, meta


def success_configs(profile: str = "quick", task: str = "temporal_order") -> tuple[list[dict], int]:
    """The grid of the success-rate figure: lengths x methods, and the number of seeds.

    Parameters
    ----------
    profile : {"quick", "full"}, optional
        ``"quick"``: T in {10, 20, 30}, 20 hidden units, SGD at rate 0.2, at most 2000 steps,
        4 seeds (about 40 s on one core). ``"full"``: T in {20, 50, 100, 150, 200}, 50
        hidden units, at most 50,000 steps, 10 seeds (hours; run it through :mod:`linrec.sweep`).
    task : {"temporal_order", "adding"}, optional
        The task.

    Returns
    -------
    configs : list of dict
        Configurations for :func:`run` (method varies fastest).
    seeds : int
        Seeds per configuration.

    Examples
    --------
    >>> cfgs, seeds = success_configs("quick")
    >>> len(cfgs), seeds, cfgs[0]["method"]
    (9, 4, 'sgd')
    """
    check_choice(profile, "profile", ("quick", "full"))
    check_choice(task, "task", ("temporal_order", "adding"))
    methods = ("sgd", "clip", "clip_reg")
    if profile == "quick":
        lengths, extra, seeds = (10, 20, 30), {"hidden": 20, "steps": 2000}, 4
    else:
        lengths, extra, seeds = (20, 50, 100, 150, 200), {"hidden": 50, "steps": 50_000, "eval_every": 200,
                                                          "eval_batch": 2000}, 10
    cfgs = [{"task": task, "T": T, "method": m, **extra} for T in lengths for m in methods]
    return cfgs, seeds


def success_table(results) -> dict[str, Any]:
    """Success counts per (method, T) from sweep results.

    Parameters
    ----------
    results : iterable of (config, meta)
        Finished runs (e.g. from :func:`linrec.sweep.load_sweep`).

    Returns
    -------
    dict
        ``lengths`` (sorted), ``methods`` (in :data:`METHODS` order), ``solved`` (methods x
        lengths x seeds booleans, padded with False), ``solve_step`` (same shape, -1 unsolved),
        ``max_grad_norm`` (same shape) and ``n`` (methods x lengths, runs found).

    Examples
    --------
    >>> tab = success_table([({"T": 10, "method": "clip"}, {"solved": True, "solve_step": 5,
    ...                                                     "max_grad_norm": 2.0})])
    >>> tab["solved"].shape, int(tab["n"][0, 0])
    ((1, 1, 1), 1)
    """
    rows = list(results)
    lengths = sorted({int(c["T"]) for c, _ in rows})
    methods = [m for m in METHODS if any(c["method"] == m for c, _ in rows)]
    groups: dict[tuple[int, int], list] = {}
    for c, m in rows:
        groups.setdefault((methods.index(c["method"]), lengths.index(int(c["T"]))), []).append(m)
    S = max((len(v) for v in groups.values()), default=0)
    solved = np.zeros((len(methods), len(lengths), S), dtype=bool)
    step = np.full(solved.shape, -1, dtype=np.int64)
    gmax = np.full(solved.shape, np.nan)
    n = np.zeros((len(methods), len(lengths)), dtype=np.int64)
    for (i, j), ms in groups.items():
        n[i, j] = len(ms)
        for s, m in enumerate(ms):
            solved[i, j, s] = bool(m["solved"])
            step[i, j, s] = int(m["solve_step"])
            gmax[i, j, s] = float(m.get("max_grad_norm", np.nan))
    return {"lengths": np.asarray(lengths), "methods": methods, "solved": solved, "solve_step": step,
            "max_grad_norm": gmax, "n": n}
