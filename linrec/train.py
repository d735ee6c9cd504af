"""Training loop returning a :class:`History` of arrays; declarative run configs for sweeps.

:func:`train` runs ``steps`` optimizer steps of a model on a task (fresh data every step, or the
exact white-noise population loss of a linear time-invariant model) and records per step the
loss, the update norm, the gradient norm of each parameter group and the gradient-over-weight
ratio ||g_group|| / ||w_group||, plus the eigenvalue trajectory of the recurrence every
``eig_every`` steps. A divergence stops the run and marks it diverged with a reason (the
remaining entries stay NaN; the parameters are the last valid ones): a divergent run never
raises, so a sweep always finishes. Divergences are

- a non-finite loss, gradient or updated parameter;
- a loss above ``explode`` times the first loss;
- parameters that leave the model's domain (``model.domain_violation(params)`` non-empty after
  an update, e.g. a "direct" continuous eigenvalue w >= 0 where the zero-order hold is
  undefined; or a :class:`~linrec.models.ParameterDomainError` raised while evaluating the
  model after the first step). Only this exception class is caught: any other error, a bare
  ``ValueError`` included, is a bug or a usage error and propagates;
- a callback's verdict: a callback returning a non-empty string, or raising
  :class:`Diverged`, marks the run diverged with that reason.

:func:`run_config` builds model, task and optimizer from a plain dict (picklable, so it runs on
any executor) and calls :func:`train`; this is the unit of work of :mod:`linrec.sweep`.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from linrec import optim as _optim
from linrec._validation import as_rng, check_choice, check_nonnegative_int, check_positive_int
from linrec.models.base import ParameterDomainError

__all__ = ["History", "Diverged", "train", "run_config", "MODELS", "TASKS"]


class Diverged(Exception):
    """Raised by a :func:`train` callback to stop the run and mark it diverged.

    The message is the reason recorded in :attr:`History.diverged_reason`. (Returning a
    non-empty string from the callback has the same effect.) The step at which the callback
    raised counts as completed: its update is kept, ``steps_done`` includes it, and
    ``diverged_at`` is the next step.

    Parameters
    ----------
    reason : str
        Why the run is considered diverged (e.g. "left the stable region").

    Examples
    --------
    >>> from linrec import models, optim, tasks
    >>> task = tasks.TeacherStudent(tasks.make_teacher(0, n=2), T=10)
    >>> def stop(step, params, loss):
    ...     if step == 2:
    ...         raise Diverged("loss watchdog")
    >>> h = train(models.LRU(1, 2, 1), task, optim.adam(1e-2), steps=10, batch_size=2, rng=0, callback=stop)
    >>> h.diverged, h.diverged_at, h.steps_done, h.diverged_reason
    (True, 3, 3, 'loss watchdog')
    """

    def __init__(self, reason: str = "stopped by the callback"):
        super().__init__(reason)
        self.reason = str(reason) or "stopped by the callback"


@dataclass
class History:
    """Record of one training run (arrays indexed by step; NaN after a divergence).

    Parameters
    ----------
    loss : numpy.ndarray
        Training loss at each step (before the update), shape (steps,).
    update_norm : numpy.ndarray
        Global norm of the applied update at each step.
    grad_norm : dict of str to numpy.ndarray
        Gradient norm of each parameter group at each step.
    grad_weight_ratio : dict of str to numpy.ndarray
        ||g_group|| / ||w_group|| at each step.
    group_update_norm : dict of str to numpy.ndarray
        Norm of the update of each parameter group at each step (its ratio to ``grad_norm`` is
        the optimizer's effective learning rate for that group).
    eig_steps : numpy.ndarray
        Steps at which eigenvalues were recorded.
    eigenvalues : numpy.ndarray or None
        (len(eig_steps), N) complex eigenvalues of the recurrence (None if not meaningful).
    eval_steps : numpy.ndarray
        Steps of the held-out evaluations.
    eval_loss : numpy.ndarray
        Held-out loss at ``eval_steps``.
    eval_accuracy : numpy.ndarray
        Held-out accuracy at ``eval_steps`` (NaN for regression tasks).
    params : dict of str to numpy.ndarray
        Final parameters (the last finite ones for a diverged run).
    diverged : bool
        Whether the run was stopped by a divergence.
    diverged_at : int
        Step of the divergence (-1 if none).
    diverged_reason : str
        Why the run was stopped (non-finite loss or gradient, loss explosion, parameters that left
        the domain of their map), empty if it did not diverge.
    steps_done : int
        Number of completed optimizer steps.
    wall_time : float
        Seconds spent in the loop.

    Examples
    --------
    >>> h = History(loss=np.array([2.0, 1.0]))
    >>> h.final_loss(window=2)
    1.5
    """

    loss: np.ndarray
    update_norm: np.ndarray = field(default_factory=lambda: np.zeros(0))
    grad_norm: dict = field(default_factory=dict)
    grad_weight_ratio: dict = field(default_factory=dict)
    group_update_norm: dict = field(default_factory=dict)
    eig_steps: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    eigenvalues: np.ndarray | None = None
    eval_steps: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    eval_loss: np.ndarray = field(default_factory=lambda: np.zeros(0))
    eval_accuracy: np.ndarray = field(default_factory=lambda: np.zeros(0))
    params: dict = field(default_factory=dict)
    diverged: bool = False
    diverged_at: int = -1
    diverged_reason: str = ""
    steps_done: int = 0
    wall_time: float = 0.0

    def final_loss(self, window: int = 100) -> float:
        """Mean training loss over the last ``window`` completed steps (inf for a diverged run).

        Parameters
        ----------
        window : int, optional
            Number of final steps averaged (100: Zucchet & Orvieto's "mean of the last 100").

        Returns
        -------
        float
            The mean loss, ``inf`` if the run diverged.
        """
        if self.diverged:
            return math.inf
        done = self.loss[: self.steps_done] if self.steps_done else self.loss
        return float(np.mean(done[-int(window):])) if done.size else math.nan

    def to_arrays(self) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
        """Flatten into (arrays, metadata) for :func:`linrec.io.save_arrays`.

        Returns
        -------
        arrays : dict of str to numpy.ndarray
            Per-step records (``grad_norm/<group>`` etc.) and final parameters (``params/<name>``).
        meta : dict
            Divergence flag, step and reason, steps done, wall time and the final loss.
        """
        arrays = {"loss": self.loss, "update_norm": self.update_norm, "eig_steps": self.eig_steps,
                  "eval_steps": self.eval_steps, "eval_loss": self.eval_loss, "eval_accuracy": self.eval_accuracy}
        for g, v in self.grad_norm.items():
            arrays[f"grad_norm/{g}"] = v
        for g, v in self.grad_weight_ratio.items():
            arrays[f"grad_weight_ratio/{g}"] = v
        for g, v in self.group_update_norm.items():
            arrays[f"group_update_norm/{g}"] = v
        if self.eigenvalues is not None:
            arrays["eigenvalues"] = self.eigenvalues
        for k, v in self.params.items():
            arrays[f"params/{k}"] = v
        meta = {"diverged": bool(self.diverged), "diverged_at": int(self.diverged_at),
                "diverged_reason": self.diverged_reason,
                "steps_done": int(self.steps_done), "wall_time": float(self.wall_time),
                "final_loss": self.final_loss()}
        return arrays, meta

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray], meta: Mapping[str, Any]) -> History:
        """Inverse of :meth:`to_arrays`.

        Parameters
        ----------
        arrays : mapping of str to array_like
            As written by :meth:`to_arrays` (e.g. loaded by :func:`linrec.io.load_arrays`).
        meta : mapping
            The matching metadata.

        Returns
        -------
        History
            The reconstructed record.
        """
        def sub(prefix):
            return {k[len(prefix):]: np.asarray(v) for k, v in arrays.items() if k.startswith(prefix)}

        return cls(loss=np.asarray(arrays["loss"]), update_norm=np.asarray(arrays["update_norm"]),
                   grad_norm=sub("grad_norm/"), grad_weight_ratio=sub("grad_weight_ratio/"),
                   group_update_norm=sub("group_update_norm/"),
                   eig_steps=np.asarray(arrays["eig_steps"]), eigenvalues=arrays.get("eigenvalues"),
                   eval_steps=np.asarray(arrays["eval_steps"]), eval_loss=np.asarray(arrays["eval_loss"]),
                   eval_accuracy=np.asarray(arrays["eval_accuracy"]), params=sub("params/"),
                   diverged=bool(meta["diverged"]), diverged_at=int(meta["diverged_at"]),
                   diverged_reason=str(meta.get("diverged_reason", "")),
                   steps_done=int(meta["steps_done"]), wall_time=float(meta["wall_time"]))


class _Progress:
    """tqdm when installed, else a plain line every 10 %; silent when disabled."""

    def __init__(self, total: int, enabled: bool, desc: str):
        self.bar = None
        self.enabled = enabled
        self.total = total
        self.desc = desc
        self.next_print = 0
        if enabled:
            try:
                from tqdm.auto import tqdm

                self.bar = tqdm(total=total, desc=desc, leave=False)
            except ImportError:  # pragma: no cover - tqdm is optional
                self.bar = None

    def update(self, step: int, loss: float) -> None:
        if not self.enabled:
            return
        if self.bar is not None:
            self.bar.update(1)
            if step % 50 == 0:
                self.bar.set_postfix(loss=f"{loss:.3g}")
        elif step >= self.next_print:  # pragma: no cover - tqdm is installed in CI
            print(f"{self.desc}: step {step}/{self.total} loss {loss:.4g}", file=sys.stderr, flush=True)
            self.next_print += max(1, self.total // 10)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _group_norms(tree, groups: Mapping[str, str]) -> dict[str, float]:
    acc: dict[str, float] = {}
    for k, v in tree.items():
        g = groups.get(k, "other")
        acc[g] = acc.get(g, 0.0) + float(np.vdot(v, v).real)
    return {g: math.sqrt(s) for g, s in acc.items()}


def train(model, task, optimizer, *, steps: int, batch_size: int = 32, rng=None, params=None,
          objective: str = "sample", eig_every: int | None = None, eval_every: int = 0, eval_batch: int = 256,
          explode: float = 1e6, progress: bool = False, callback: Callable | None = None) -> History:
    """Train ``model`` on ``task`` with ``optimizer``; return a :class:`History`.

    Parameters
    ----------
    model : linrec.models.Model
        The model.
    task : object
        A task of :mod:`linrec.tasks` (``sample(rng, batch) -> Batch``, ``loss``).
    optimizer : linrec.optim.Transform
        Optimizer (e.g. ``optim.chain(optim.clip_by_global_norm(1.0), optim.adam(1e-3))``).
    steps : int
        Number of optimizer steps.
    batch_size : int, optional
        Sequences per step (fresh data every step).
    rng : Generator or int or None, optional
        Random source: initial parameters (when ``params`` is None), then the data, in that
        order; the run is a deterministic function of it.
    params : dict, optional
        Initial parameters (default ``model.init(rng)``). Not modified.
    objective : {"sample", "population"}, optional
        ``"sample"``: the task's loss on a fresh batch; ``"population"``: its expectation over
        the task's white-noise inputs, exactly: ``task.input_variance`` (1 for
        :class:`~linrec.tasks.TeacherStudent`, dt^2 for a
        :class:`~linrec.tasks.LinearFunctional`, whose inputs are dt * N(0, 1)) times the
        unit-variance population loss ``model.population_loss_and_grad(params,
        task.impulse_response())`` (linear time-invariant models; not for constant inputs).
    eig_every : int, optional
        Record ``model.eigenvalues`` every this many steps (default about 100 records per run;
        0 disables).
    eval_every : int, optional
        Evaluate on a held-out batch every this many steps (0: never).
    eval_batch : int, optional
        Size of the held-out batch (drawn once, from a generator spawned from ``rng``).
    explode : float, optional
        Divergence threshold: loss > explode * max(first loss, tiny) stops the run.
    progress : bool, optional
        Show progress (tqdm when installed, a plain line otherwise).
    callback : callable, optional
        ``callback(step, params, loss)`` after each step's update (``params`` are the updated
        ones, also when they left the model's domain: the run is then marked diverged at
        ``step`` whatever the callback returns, and the last valid parameters are kept).
        Returning ``True`` stops the run (not diverged); returning a non-empty string, or
        raising :class:`Diverged`, stops it and marks it diverged with that string as the
        reason (``diverged_at = step + 1``; the step's update is kept). Any other return value
        (None, False, "") continues. Other exceptions propagate.

    Returns
    -------
    History
        Per-step records, final parameters and the divergence flag.

    Examples
    --------
    >>> from linrec import models, tasks, optim
    >>> task = tasks.TeacherStudent(tasks.make_teacher(0, n=2), T=20)
    >>> h = train(models.LRU(1, 4, 1), task, optim.adam(1e-2), steps=50, batch_size=8, rng=0)
    >>> bool(h.loss[-10:].mean() < h.loss[:10].mean()), h.diverged
    (True, False)
    """
    steps = check_positive_int(steps, "steps")
    batch_size = check_positive_int(batch_size, "batch_size")
    objective = check_choice(objective, "objective", ("sample", "population"))
    eval_every = check_nonnegative_int(eval_every, "eval_every")
    if not explode > 1:
        raise ValueError(f"explode must be > 1; got {explode!r}")
    if not isinstance(optimizer, _optim.Transform):
        raise TypeError(f"optimizer must be a linrec.optim.Transform; got {type(optimizer).__name__}")
    g = as_rng(rng)
    p = model.init(g) if params is None else {k: np.array(v, dtype=np.float64) for k, v in params.items()}
    domain_violation = getattr(model, "domain_violation", None)
    if domain_violation is not None:
        why = domain_violation(p)
        if why:  # the initial point must be valid: a usage error, not a divergence
            raise ParameterDomainError(f"initial params are outside the model's domain: {why}")
    k_target = None
    if objective == "population":
        if not hasattr(model, "population_loss_and_grad") or not hasattr(task, "impulse_response"):
            raise ValueError("objective='population' needs a linear time-invariant model and a task with a "
                             "target impulse response (TeacherStudent, LinearFunctional)")
        if getattr(task, "inputs", "gaussian") != "gaussian":
            raise ValueError(f"objective='population' is the expectation over white-noise inputs; the task's inputs "
                             f"are {task.inputs!r} (use objective='sample')")
        k_target = task.impulse_response()
        # E[sample loss] = (input variance) x the unit-variance white-noise population loss
        pop_scale = float(getattr(task, "input_variance", 1.0))
    # teacher-student / linear functional with an LTI model on the convolution path: the target
    # is k* * x, so the error is (k - k*) * x and one FFT of x serves target, output and gradient
    fused = (objective == "sample" and getattr(task, "lti_target", False) and hasattr(model, "loss_and_grad_lti_target")
             and getattr(model, "path", "scan") != "scan")
    k_lti = task.impulse_response() if fused else None
    eval_data = None
    if eval_every:
        eval_data = task.sample(np.random.default_rng(int(g.integers(2**63))), eval_batch)
    groups = dict(model.param_groups)
    names = sorted(set(groups.values()))
    if eig_every is None:
        eig_every = max(1, steps // 100)
    eig_every = check_nonnegative_int(eig_every, "eig_every")
    loss = np.full(steps, np.nan)
    unorm = np.full(steps, np.nan)
    gnorm = {n: np.full(steps, np.nan) for n in names}
    ratio = {n: np.full(steps, np.nan) for n in names}
    gupd = {n: np.full(steps, np.nan) for n in names}
    eig_steps, eigs, ev_steps, ev_loss, ev_acc = [], [], [], [], []
    state = optimizer.init(p)
    bar = _Progress(steps, progress, type(model).__name__)
    diverged, div_at, done, reason = False, -1, 0, ""
    first = None
    t0 = time.perf_counter()

    def record_eig(step):
        try:
            lam = model.eigenvalues(p)
        except np.linalg.LinAlgError:  # finite but huge dense matrix: LAPACK did not converge
            if not eigs:  # nothing to size a NaN record by: skip this record
                return
            lam = np.full(len(eigs[-1]), np.nan)
        if lam is not None:
            eig_steps.append(step)
            eigs.append(np.asarray(lam, dtype=np.complex128))

    def evaluate(step):
        from linrec.models.losses import accuracy, loss_and_dy

        y = model.forward(p, eval_data.x)
        ev_steps.append(step)
        ev_loss.append(loss_and_dy(task.loss, y, eval_data.target, eval_data.mask)[0])
        ev_acc.append(accuracy(y, eval_data.target, eval_data.mask) if task.loss == "ce" else np.nan)

    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        for step in range(steps):
            try:
                if eig_every and step % eig_every == 0:
                    record_eig(step)
                if eval_every and step % eval_every == 0:
                    evaluate(step)
                if objective == "population":
                    L, grads = model.population_loss_and_grad(p, k_target)
                    if pop_scale != 1.0:
                        L = pop_scale * L
                        grads = {k: pop_scale * v for k, v in grads.items()}
                elif fused:
                    b = task.sample(g, batch_size, targets=False)
                    L, grads = model.loss_and_grad_lti_target(p, b.x, k_lti, b.mask)
                else:
                    b = task.sample(g, batch_size)
                    L, grads = model.loss_and_grad(p, b.x, b.target, b.mask, loss=task.loss)
            except ParameterDomainError as exc:
                if step == 0:  # the initial point must evaluate: this is a usage error, not a divergence
                    raise
                # parameters left the domain of their map (a model without domain_violation
                # that raises while evaluating): the run diverged
                diverged, div_at, reason = True, step, f"parameters left the model's domain: {exc}"
                break
            if first is None:
                first = max(abs(L), 1e-300) if np.isfinite(L) else 1.0
            gn = _group_norms(grads, groups)
            if not (np.isfinite(L) and all(np.isfinite(v) for v in gn.values())) or L > explode * first:
                diverged, div_at = True, step
                reason = "loss explosion" if np.isfinite(L) and L > explode * first else "non-finite loss or gradient"
                loss[step] = L
                break
            loss[step] = L
            wn = _group_norms(p, groups)
            for n in names:
                gnorm[n][step] = gn.get(n, 0.0)
                ratio[n][step] = gn.get(n, 0.0) / wn[n] if wn.get(n, 0.0) > 0 else np.inf
            upd, new_state = optimizer.update(grads, state, p)
            new_p = _optim.apply_updates(p, upd)
            if not all(np.all(np.isfinite(v)) for v in new_p.values()):
                diverged, div_at, reason = True, step, "non-finite parameters after the update"
                break
            verdict = None
            if callback is not None:  # sees the updated parameters, even if they left the domain
                try:
                    verdict = callback(step, new_p, L)
                except Diverged as exc:
                    verdict = exc.reason
            why = domain_violation(new_p) if domain_violation is not None else ""
            if why:  # e.g. a "direct" continuous eigenvalue reached w >= 0: keep the last valid p
                diverged, div_at = True, step
                reason = (verdict if isinstance(verdict, str) and verdict
                          else f"parameters left the model's domain after the update: {why}")
                break
            un = _group_norms(upd, groups)
            unorm[step] = math.sqrt(sum(v * v for v in un.values()))
            for n in names:
                gupd[n][step] = un.get(n, 0.0)
            p, state = new_p, new_state
            done = step + 1
            bar.update(done, L)
            if isinstance(verdict, str):
                if verdict:
                    diverged, div_at, reason = True, done, verdict
                    break
            elif verdict:
                break
    bar.close()
    if not diverged:
        with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
            if eig_every:
                record_eig(done)
            if eval_every:
                evaluate(done)
    return History(
        loss=loss, update_norm=unorm, grad_norm=gnorm, grad_weight_ratio=ratio, group_update_norm=gupd,
        eig_steps=np.asarray(eig_steps, dtype=np.int64),
        eigenvalues=np.array(eigs) if eigs else None,
        eval_steps=np.asarray(ev_steps, dtype=np.int64), eval_loss=np.asarray(ev_loss, dtype=np.float64),
        eval_accuracy=np.asarray(ev_acc, dtype=np.float64), params=p, diverged=diverged, diverged_at=div_at,
        diverged_reason=reason,
        steps_done=done, wall_time=time.perf_counter() - t0,
    )


def _registry():
    from linrec import models, tasks

    m = {name: getattr(models, name) for name in models.__all__ if name in MODELS}
    t = {"teacher_student": None, "linear_functional": tasks.LinearFunctional, "delayed_bump": tasks.delayed_bump,
         "adding": tasks.Adding, "temporal_order": tasks.TemporalOrder, "copy": tasks.Copy,
         "selective_copy": tasks.SelectiveCopy}
    return m, t


#: model names accepted by :func:`run_config` (the classes of :mod:`linrec.models`)
MODELS = ("LinearDiagonal", "LRU", "DiagonalSSM", "DenseLinear", "BlockDiagonal", "ElmanRNN", "GRU", "LSTM",
          "MinGRU", "MinLSTM")
#: task names accepted by :func:`run_config`
TASKS = ("teacher_student", "linear_functional", "delayed_bump", "adding", "temporal_order", "copy",
         "selective_copy")


def run_config(config: Mapping[str, Any], rng=None) -> History:
    """Build model, task and optimizer from a plain dict and train (the unit of work of a sweep).

    Parameters
    ----------
    config : mapping
        Keys: ``model`` (a name in :data:`MODELS`), ``model_kwargs`` (constructor arguments),
        ``task`` (a name in :data:`TASKS`), ``task_kwargs`` (for ``"teacher_student"``:
        ``n``, ``nu0``, ``max_phase``, ``T``, ``inputs``, ``teacher_seed``; otherwise the task's
        constructor arguments), ``optimizer`` (``"adam"``, ``"adamw"``, ``"sgd"``,
        ``"momentum"``), ``lr`` (float or dict of group -> float), ``schedule`` (``"constant"``
        or ``"cosine"``), ``warmup`` (steps), ``clip`` (max global norm or None), ``steps``,
        ``batch_size``, ``objective``, ``eval_every``, ``optimizer_kwargs``. Missing keys take
        the defaults of :func:`train`.
    rng : Generator or int or None, optional
        Random source of the run (teacher, unless ``teacher_seed`` is given; parameters; data).

    Returns
    -------
    History
        The training record.

    Examples
    --------
    >>> cfg = {"model": "LRU", "model_kwargs": {"input_dim": 1, "hidden": 4, "output_dim": 1},
    ...        "task": "teacher_student", "task_kwargs": {"n": 2, "T": 20, "teacher_seed": 0},
    ...        "optimizer": "adam", "lr": 1e-2, "schedule": "cosine", "steps": 30, "batch_size": 4}
    >>> h = run_config(cfg, rng=1)
    >>> h.steps_done
    30
    """
    from linrec import tasks as _tasks

    cfg = dict(config)
    g = as_rng(rng)
    mreg, treg = _registry()
    mname = check_choice(cfg.get("model"), "config['model']", MODELS)
    tname = check_choice(cfg.get("task"), "config['task']", TASKS)
    model = mreg[mname](**dict(cfg.get("model_kwargs", {})))
    tkw = dict(cfg.get("task_kwargs", {}))
    if tname == "teacher_student":
        seed = tkw.pop("teacher_seed", None)
        T = tkw.pop("T")
        inputs = tkw.pop("inputs", "gaussian")
        teacher = _tasks.make_teacher(g if seed is None else seed, **tkw)
        task = _tasks.TeacherStudent(teacher, T, inputs)
    else:
        task = treg[tname](**tkw)
    steps = check_positive_int(cfg.get("steps", 1000), "config['steps']")
    lr = cfg.get("lr", 1e-3)
    sched_name = check_choice(cfg.get("schedule", "constant"), "config['schedule']", ("constant", "cosine"))

    def sched(v):
        if sched_name == "constant":
            return float(v)
        return _optim.cosine_decay(float(v), steps, warmup_steps=int(cfg.get("warmup", 0)))

    rate = {k: sched(v) for k, v in lr.items()} if isinstance(lr, Mapping) else sched(lr)
    oname = check_choice(cfg.get("optimizer", "adam"), "config['optimizer']", ("adam", "adamw", "sgd", "momentum"))
    okw = dict(cfg.get("optimizer_kwargs", {}))
    groups = model.param_groups if isinstance(rate, dict) else None
    opt = getattr(_optim, oname)(rate, groups=groups, **okw)
    if cfg.get("clip") is not None:
        opt = _optim.chain(_optim.clip_by_global_norm(float(cfg["clip"])), opt)
    return train(model, task, opt, steps=steps, batch_size=int(cfg.get("batch_size", 32)), rng=g,
                 objective=cfg.get("objective", "sample"), eval_every=int(cfg.get("eval_every", 0)),
                 eig_every=cfg.get("eig_every"), explode=float(cfg.get("explode", 1e6)),
                 progress=bool(cfg.get("progress", False)))
