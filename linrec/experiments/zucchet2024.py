"""Zucchet & Orvieto (2024), teacher–student training protocols on the torch-free engine.

N. Zucchet and A. Orvieto, "Recurrent neural networks: vanishing and exploding gradients are
not the end of the story", NeurIPS 2024, Sec. 5. A dense 10-state linear teacher
(:func:`linrec.tasks.make_teacher`, eigenvalue moduli in a band starting at ``nu0``) is
identified by 64-unit students trained with Adam and a cosine decay; the dense linear RNN stops
learning as ``nu0 -> 1`` while the LRU and the complex diagonal students keep learning.

Students (names used throughout). The diagonal students follow the authors' code
(``source/model.py`` of github.com/NicolasZucchet/Vanishing-and-exploding-gradients-are-not-the-end-of-the-story,
class ``LRUBase``): moduli uniform in area on the ring [nu0, 1), phases uniform on a full turn,
and B, C, D drawn as ``normal / sqrt(shape[0])``, i.e. Re B, Im B ~ N(0, 1/N) (std 0.125 for
N = 64), Re C, Im C ~ N(0, 1/d_out) and D ~ N(0, 1/d_out) (std 1 for one output):

==============  ==========================================================================
``rnn``         :class:`linrec.models.DenseLinear`, A drawn like the teacher with nu0 = 0
                (moduli tanh|l| in [0, 1)); B ~ N(0, 1), C ~ N(0, 1/N), D ~ N(0, 1)
``lru``         :class:`PaperLRU`: the LRU, lam = exp(-e^nu + i e^theta), learned gamma =
                exp(gamma_log) initialised at sqrt(1 - |lam|^2) (``lru_param="exp"``,
                ``which_gamma="learned"``)
``block``       :class:`PaperBlockDiagonal`: the authors' block-diagonal student of the ablation
                (``MultiHeadRNN`` with 32 heads): 32 dense 2x2 blocks, each drawn like the
                dense RNN's A (moduli tanh|l| in [0, 1), not on the ring), B ~ N(0, 1),
                C ~ N(0, 1/N), D ~ N(0, 1) (64 real states)
``cdiag``       :class:`PaperComplexDiagonal` with ``lam_param="direct"``: the paper's
                "complex numbers" student, Re lam and Im lam trained directly, no gamma
                (``lru_param="default"``, ``which_gamma="none"``)
``cdiag_exp``   :class:`PaperComplexDiagonal` with ``lam_param="exp"``: the LRU's exp
                parameterization without gamma (``lru_param="exp"``, ``which_gamma="none"``,
                a corner of the authors' ablation grid); between ``cdiag`` and ``lru`` it
                separates the effect of the reparameterization from that of the normalization
==============  ==========================================================================

Protocols:

* :func:`run_teacher_student` -- one training run (the unit of work of a sweep, picklable), which
  also records Adam's *effective learning rate* ``lr_t / (sqrt(v_t / (1 - b2^t)) + eps)`` per
  parameter group (median over the group's coordinates);
* :func:`sweep_configs`, :func:`run_grid`, :func:`best_over_lr` -- the grid over students,
  ``nu0``, learning rates and seeds, in process or resumably through
  :func:`linrec.sweep.run_sweep` on any executor;
* :func:`hessian_at_teacher` -- the theory: the exact Hessian of the population loss at the
  optimum (Gauss--Newton, :mod:`linrec.memory`) for the dense and the diagonal
  parameterizations of the same teacher, and how much of its sharpness a diagonal
  preconditioner such as Adam removes;
* :func:`angle_dynamics` -- a single complex eigenvalue learning its angle under the polar, exp
  and "optimal" (gap-scaled angle) parameterizations with a real Adam.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from linrec import models as _models
from linrec import optim as _optim
from linrec._validation import as_rng, check_choice, check_positive_int

__all__ = [
    "STUDENTS",
    "PaperBlockDiagonal",
    "PaperLRU",
    "PaperComplexDiagonal",
    "NU0_PAPER",
    "LR_GRID",
    "make_student",
    "teacher_student_config",
    "run_teacher_student",
    "sweep_configs",
    "run_grid",
    "best_over_lr",
    "hessian_at_teacher",
    "angle_dynamics",
]

#: student names (see the module docstring)
STUDENTS = ("rnn", "lru", "block", "cdiag", "cdiag_exp")
#: the paper's values of nu0
NU0_PAPER = (0.36, 0.84, 0.96, 0.99)
#: learning-rate grids of the full profile (the paper: LRU best near 3e-3..3e-2, RNN near 3e-4..1e-3;
#: the authors' ablation at nu0 = 0.99 scans 1e-4..1e-1 for the LRU variants and 3.2e-4..1e-2 for
#: the block-diagonal RNN)
LR_GRID = {
    "rnn": (1e-4, 3e-4, 1e-3, 3e-3),
    "lru": (1e-3, 3e-3, 1e-2, 3e-2),
    "block": (3e-4, 1e-3, 3e-3, 1e-2),
    "cdiag": (1e-3, 3e-3, 1e-2, 3e-2),
    "cdiag_exp": (1e-3, 3e-3, 1e-2, 3e-2),
}


def _authors_io_init(p: dict, g: np.random.Generator, hidden: int, din: int, dout: int) -> dict:
    """Redraw B, C, D of a complex diagonal student as the authors' ``matrix_init`` does.

    ``matrix_init(key, shape) = normal(shape) / sqrt(shape[0])`` (Zucchet & Orvieto's
    ``source/model.py``), applied to B_re, B_im of shape (N, d_in), C_re, C_im of shape
    (d_out, N) and D of shape (d_out, d_in): Re B, Im B ~ N(0, 1/N), Re C, Im C ~ N(0, 1/d_out),
    D ~ N(0, 1/d_out). The eigenvalue (and gamma) parameters of ``p`` are kept.
    """
    out = dict(p)
    out["B_re"] = g.standard_normal((hidden, din)) / np.sqrt(hidden)
    out["B_im"] = g.standard_normal((hidden, din)) / np.sqrt(hidden)
    out["C_re"] = g.standard_normal((dout, hidden)) / np.sqrt(dout)
    out["C_im"] = g.standard_normal((dout, hidden)) / np.sqrt(dout)
    if "D" in out:
        out["D"] = g.standard_normal((dout, din)) / np.sqrt(dout)
    return out


class PaperLRU(_models.LRU):
    """The LRU student of Zucchet & Orvieto (2024): :class:`linrec.models.LRU` with the authors'
    initialisation of B, C and D.

    The eigenvalues (ring [r_min, r_max), uniform in area; phases uniform in [0, max_phase)) and
    gamma_log = log sqrt(1 - |lam|^2) are those of :class:`linrec.models.LRU`, which equal the
    authors' ``nu_init``/``gamma_init`` with ``param="exp"``; B, C, D are then drawn as in
    :func:`_authors_io_init` (Re B, Im B ~ N(0, 1/N); Re C, Im C, D ~ N(0, 1/d_out)).

    Parameters
    ----------
    input_dim, hidden, output_dim : int
        Input channels, number of complex modes N, output channels.
    r_min, r_max : float, optional
        Ring of the initial moduli (uniform in area).
    max_phase : float, optional
        Initial phases uniform in [0, max_phase).
    path : {"auto", "conv", "scan"}, optional
        Evaluation path (see :class:`linrec.models.base.LTIModel`).

    References
    ----------
    N. Zucchet and A. Orvieto, NeurIPS 2024, Sec. 5 and the authors' ``source/model.py``
    (``LRUBase`` with ``parametrization="exp"``, ``which_gamma="learned"``); A. Orvieto et al.,
    ICML 2023, Eqs. (6)-(7).

    Examples
    --------
    >>> p = PaperLRU(1, 400, 1, r_min=0.5).init(0)
    >>> round(float(np.std(p["B_re"])) * 20, 1), round(float(np.std(p["C_re"])), 1)
    (1.0, 1.0)
    """

    def init(self, rng=None):
        """Draw the LRU's parameters, then B, C, D as the authors do (see the class docstring)."""
        g = as_rng(rng)
        return _authors_io_init(super().init(g), g, self.hidden, self.input_dim, self.output_dim)


class PaperBlockDiagonal(_models.BlockDiagonal):
    """The block-diagonal student of Zucchet & Orvieto (2024): H dense 2x2 heads.

    The authors' ``MultiHeadRNN`` (``source/model.py``) with ``n_heads = H`` and ``d_hidden = 2H``:
    each head's 2x2 block is drawn as their ``recurrent_matrix_init`` with ``min_nu = 0`` (the
    dense RNN's scheme, :func:`linrec.tasks.make_teacher` with ``n = 2`` and ``nu0 = 0``: an
    N(0, 1/2) matrix whose eigenvalues are remapped to tanh|l| e^{i arg l}); the input, output and
    feedthrough maps are flax ``Dense`` layers, B ~ N(0, 1/d_in), C ~ N(0, 1/N), D ~ N(0, 1/d_in)
    (untruncated here; flax truncates at 2 sigma). The ring arguments of
    :class:`linrec.models.BlockDiagonal` are not used.

    Parameters
    ----------
    input_dim : int
        Input channels.
    heads : int
        Number of 2x2 heads H (state size 2H).
    output_dim : int
        Output channels.

    References
    ----------
    N. Zucchet and A. Orvieto, NeurIPS 2024, Sec. 5 (ablation, "block diagonal") and the authors'
    ``scans/ablation_LRU_p2.yaml`` (``model=RNN``, ``rnn_n_heads=32``, ``d_hidden=64``).

    Examples
    --------
    >>> m = PaperBlockDiagonal(1, 3, 1)
    >>> bool(np.max(np.abs(m.eigenvalues(m.init(0)))) < 1)
    True
    """

    def __init__(self, input_dim, heads, output_dim):
        super().__init__(input_dim, heads, output_dim, r_min=0.0, r_max=1.0, feedthrough=True)

    def init(self, rng=None):
        """Draw each head like the dense RNN's A, then B, C, D (see the class docstring)."""
        from linrec.tasks import make_teacher

        g = as_rng(rng)
        N, din, dout = self.hidden, self.input_dim, self.output_dim
        blocks = np.stack([make_teacher(g, n=2, nu0=0.0).A for _ in range(self.heads)])
        return {"blocks": blocks, "B": g.standard_normal((N, din)) / np.sqrt(din),
                "C": g.standard_normal((dout, N)) / np.sqrt(N), "D": g.standard_normal((dout, din)) / np.sqrt(din)}


class PaperComplexDiagonal(_models.LinearDiagonal):
    """A complex diagonal student without gamma, initialised as in Zucchet & Orvieto's code.

    h_t = lam * h_{t-1} + B x_t, y_t = Re(C h_t) + D x_t with ``lam_param="direct"`` (the
    paper's "complex numbers" student: Re lam and Im lam are the trained parameters, the
    authors' ``lru_param="default"``) or ``"exp"`` (lam = exp(-e^nu + i e^theta)). Eigenvalues
    on the ring [r_min, r_max) uniform in area, phases uniform in [0, max_phase); B, C, D as in
    :func:`_authors_io_init`.

    Parameters
    ----------
    input_dim, hidden, output_dim : int
        Sizes.
    lam_param : {"direct", "exp"}, optional
        Eigenvalue parameterization.
    r_min, r_max : float, optional
        Ring of the initial moduli.
    max_phase : float, optional
        Initial phases uniform in [0, max_phase).

    References
    ----------
    N. Zucchet and A. Orvieto, NeurIPS 2024, Sec. 5 (ablation at nu0 = 0.99) and the authors'
    ``source/model.py`` (``LRUBase`` with ``parametrization="default"`` or ``"exp"``,
    ``which_gamma="none"``).

    Examples
    --------
    >>> m = PaperComplexDiagonal(1, 4, 1, r_min=0.9)
    >>> sorted(m.init(0))
    ['B_im', 'B_re', 'C_im', 'C_re', 'D', 'lam_im', 'lam_re']
    """

    def __init__(self, input_dim, hidden, output_dim, *, lam_param: str = "direct", r_min: float = 0.0,
                 r_max: float = 1.0, max_phase: float = 2 * np.pi):
        lam_param = check_choice(lam_param, "lam_param", ("direct", "exp"))
        super().__init__(input_dim, hidden, output_dim, complex=True, lam_param=lam_param, gamma="none",
                         feedthrough=True, r_min=r_min, r_max=r_max, max_phase=max_phase)

    def init(self, rng=None):
        """Draw ring eigenvalues, then B, C, D as the authors do (see the class docstring)."""
        g = as_rng(rng)
        return _authors_io_init(super().init(g), g, self.hidden, self.input_dim, self.output_dim)


def make_student(student: str, nu0: float, hidden: int = 64):
    """Build one of the paper's students.

    Parameters
    ----------
    student : {"rnn", "lru", "block", "cdiag", "cdiag_exp"}
        Which student (see the module docstring).
    nu0 : float
        Lower end of the teacher's band of moduli, in [0, 1); the complex diagonal students
        are initialised on the ring [nu0, 1) (the dense and block-diagonal RNNs ignore it, as
        in the authors' code).
    hidden : int, optional
        Hidden units: the state size of ``rnn``, the number of complex modes of ``lru``,
        ``cdiag`` and ``cdiag_exp``, twice the number of 2x2 heads of ``block`` (must be even
        for it).

    Returns
    -------
    linrec.models.Model
        The untrained model (one input, one output).

    Examples
    --------
    >>> m = make_student("lru", 0.9, hidden=4)
    >>> lam = m.eigenvalues(m.init(0))
    >>> bool(np.all(np.abs(lam) >= 0.9 - 1e-12))
    True
    """
    student = check_choice(student, "student", STUDENTS)
    hidden = check_positive_int(hidden, "hidden")
    nu0 = float(nu0)
    if not 0.0 <= nu0 < 1.0:
        raise ValueError(f"nu0 must lie in [0, 1); got {nu0!r}")
    if student == "rnn":
        return _models.DenseLinear(1, hidden, 1, init_scheme="teacher")
    if student == "lru":
        return PaperLRU(1, hidden, 1, r_min=nu0, r_max=1.0, max_phase=2 * np.pi)
    if student == "block":
        if hidden % 2:
            raise ValueError(f"hidden must be even for the block-diagonal student; got {hidden}")
        return PaperBlockDiagonal(1, hidden // 2, 1)
    return PaperComplexDiagonal(1, hidden, 1, lam_param="direct" if student == "cdiag" else "exp",
                                r_min=nu0, r_max=1.0, max_phase=2 * np.pi)


def teacher_student_config(student: str, nu0: float, lr: float, *, steps: int = 10_000, T: int = 300,
                           batch_size: int = 128, hidden: int = 64, n_teacher: int = 10,
                           objective: str = "sample", record_every: int = 10, window: int = 100) -> dict:
    """A plain-dict configuration of one run of :func:`run_teacher_student` (JSON-able, picklable).

    Parameters
    ----------
    student : {"rnn", "lru", "block", "cdiag", "cdiag_exp"}
        The student.
    nu0 : float
        Teacher band start, in [0, 1).
    lr : float
        Peak learning rate of Adam (cosine decay to 0 over ``steps``).
    steps : int, optional
        Optimizer steps (10,000 in the paper).
    T : int, optional
        Sequence length (300).
    batch_size : int, optional
        Sequences per step (128; unused with ``objective="population"``).
    hidden : int, optional
        Student size (64).
    n_teacher : int, optional
        Teacher state size (10).
    objective : {"sample", "population"}, optional
        Fresh Gaussian batches (the paper) or the exact white-noise population loss.
    record_every : int, optional
        Record Adam's effective learning rates every this many steps.
    window : int, optional
        The final loss is the mean of the last ``window`` step losses (100).

    Returns
    -------
    dict
        The configuration.

    Examples
    --------
    >>> cfg = teacher_student_config("rnn", 0.99, 1e-3, steps=10)
    >>> cfg["student"], cfg["steps"], cfg["T"]
    ('rnn', 10, 300)
    """
    check_choice(student, "student", STUDENTS)
    check_choice(objective, "objective", ("sample", "population"))
    if not (math.isfinite(float(lr)) and float(lr) > 0):
        raise ValueError(f"lr must be a positive float; got {lr!r}")
    if not 0.0 <= float(nu0) < 1.0:
        raise ValueError(f"nu0 must lie in [0, 1); got {nu0!r}")
    return {"student": student, "nu0": float(nu0), "lr": float(lr),
            "steps": check_positive_int(steps, "steps"), "T": check_positive_int(T, "T"),
            "batch_size": check_positive_int(batch_size, "batch_size"),
            "hidden": check_positive_int(hidden, "hidden"), "n_teacher": check_positive_int(n_teacher, "n_teacher"),
            "objective": objective, "record_every": check_positive_int(record_every, "record_every"),
            "window": check_positive_int(window, "window")}


def _recording_adam(schedule, groups: Mapping[str, str], every: int, sink: dict,
                    b1: float = 0.9, b2: float = 0.999, eps: float = 1e-8) -> _optim.Transform:
    """linrec.optim.adam, unchanged, plus a record of its effective learning rate per group.

    The wrapped transform's state is Adam's own (step, m, v), carried from step to step by the
    training loop; after each update the per-coordinate rate lr_t / (sqrt(v_t / (1 - b2^t)) + eps)
    is summarised by its median over every parameter group.
    """
    base = _optim.adam(schedule, b1=b1, b2=b2, eps=eps)
    names = sorted(set(groups.values()))

    def update(grads, state, params=None):
        ups, new = base.update(grads, state, params)
        t, _, v = new
        if (t - 1) % every == 0:
            rate = schedule(t - 1)
            c2 = 1.0 - b2**t
            per = {n: [] for n in names}
            for k, vk in v.items():
                per[groups[k]].append(np.ravel(rate / (np.sqrt(vk / c2) + eps)))
            sink.setdefault("steps", []).append(t - 1)
            for n in names:
                sink.setdefault(n, []).append(float(np.median(np.concatenate(per[n]))))
        return ups, new

    return _optim.Transform(base.init, update)


def run_teacher_student(config: Mapping[str, Any], rng=None) -> tuple[dict, dict]:
    """One teacher–student training run (picklable: the unit of work of :func:`run_grid`).

    Draws the teacher (:func:`linrec.tasks.make_teacher` with ``config["nu0"]``) and then the
    student's parameters from ``rng``, and trains with Adam (b1 = 0.9, b2 = 0.999) and a cosine
    decay of the learning rate from ``config["lr"]`` to 0 over ``config["steps"]`` steps.

    Parameters
    ----------
    config : mapping
        From :func:`teacher_student_config`.
    rng : Generator or int or None, optional
        Random source (teacher, then student, then data).

    Returns
    -------
    arrays : dict of numpy.ndarray
        ``loss`` (per step; NaN after a divergence), ``eff_lr_steps`` and ``eff_lr/<group>``
        (median effective learning rate of each group: ``recurrent``, ``input``, ``output``),
        ``eig_steps``, ``eig_max`` (largest eigenvalue modulus of the student),
        ``teacher_eigs`` and ``final_eigs``.
    meta : dict
        ``final_loss`` (mean of the last ``window`` losses; inf if diverged), ``diverged``,
        ``diverged_at``, ``wall_time`` (s), ``ms_per_step``, ``initial_loss``.

    Examples
    --------
    >>> cfg = teacher_student_config("lru", 0.9, 1e-2, steps=20, T=30, batch_size=4, hidden=4,
    ...                              n_teacher=2, window=5)
    >>> arrays, meta = run_teacher_student(cfg, rng=0)
    >>> arrays["loss"].shape, meta["diverged"], sorted(k for k in arrays if k.startswith("eff_lr/"))
    ((20,), False, ['eff_lr/input', 'eff_lr/output', 'eff_lr/recurrent'])
    """
    from linrec import tasks, train

    cfg = dict(config)
    missing = {"student", "nu0", "lr", "steps"} - set(cfg)
    if missing:
        raise ValueError(f"config is missing {sorted(missing)}; build it with teacher_student_config")
    full = teacher_student_config(cfg["student"], cfg["nu0"], cfg["lr"], **{k: cfg[k] for k in cfg
                                  if k not in ("student", "nu0", "lr")})
    g = as_rng(rng)
    teacher = tasks.make_teacher(g, n=full["n_teacher"], nu0=full["nu0"])
    task = tasks.TeacherStudent(teacher, full["T"])
    model = make_student(full["student"], full["nu0"], full["hidden"])
    steps = full["steps"]
    sink: dict = {}
    opt = _recording_adam(_optim.cosine_decay(full["lr"], steps), model.param_groups, full["record_every"], sink)
    h = train.train(model, task, opt, steps=steps, batch_size=full["batch_size"], rng=g,
                    objective=full["objective"], eig_every=max(1, steps // 100))
    eig = h.eigenvalues if h.eigenvalues is not None else np.zeros((0, 0), complex)
    arrays = {"loss": h.loss, "eff_lr_steps": np.asarray(sink.get("steps", []), dtype=np.int64),
              "eig_steps": h.eig_steps, "eig_max": np.max(np.abs(eig), axis=1) if eig.size else np.zeros(0),
              "teacher_eigs": np.linalg.eigvals(teacher.A),
              "final_eigs": eig[-1] if eig.size else np.zeros(0, complex)}
    for n in sorted(set(model.param_groups.values())):
        arrays[f"eff_lr/{n}"] = np.asarray(sink.get(n, []), dtype=np.float64)
    done = max(h.steps_done, 1)
    meta = {"final_loss": h.final_loss(full["window"]), "diverged": bool(h.diverged),
            "diverged_at": int(h.diverged_at), "wall_time": float(h.wall_time),
            "ms_per_step": 1e3 * float(h.wall_time) / done, "initial_loss": float(h.loss[0])}
    return arrays, meta


def sweep_configs(students: Sequence[str] = STUDENTS, nu0s: Sequence[float] = NU0_PAPER,
                  lrs: Mapping[str, Sequence[float]] | None = None, **kwargs) -> list[dict]:
    """The grid of configurations: students x nu0 x each student's learning rates.

    Parameters
    ----------
    students : sequence of str, optional
        Students to train.
    nu0s : sequence of float, optional
        Teacher band starts.
    lrs : mapping of str to sequence of float, optional
        Peak learning rates per student (default :data:`LR_GRID`).
    **kwargs
        Passed to :func:`teacher_student_config` (``steps``, ``T``, ``objective``, ...).

    Returns
    -------
    list of dict
        Configurations, students outer, then nu0, then learning rate.

    Examples
    --------
    >>> cfgs = sweep_configs(["rnn", "lru"], [0.5, 0.99], {"rnn": [1e-3], "lru": [1e-2, 3e-2]}, steps=5)
    >>> len(cfgs), cfgs[-1]["student"], cfgs[-1]["lr"]
    (6, 'lru', 0.03)
    """
    lrs = LR_GRID if lrs is None else lrs
    out = []
    for s in students:
        if s not in lrs:
            raise ValueError(f"lrs has no learning rates for student {s!r}")
        for nu0 in nu0s:
            for lr in lrs[s]:
                out.append(teacher_student_config(s, nu0, lr, **kwargs))
    return out


def run_grid(configs: Sequence[Mapping[str, Any]], *, seeds: int = 3, base_seed: int = 0, executor=None,
             directory=None, progress=None):
    """Run every (configuration, seed) of a grid; seeds are shared across configurations.

    Run ``i`` of seed ``s`` gets ``SeedSequence(base_seed, spawn_key=(s,))`` (common random
    numbers, :func:`linrec.sweep.plan` with ``seed_by="seed"``): at a given seed every student
    and learning rate sees the same teacher and the same input batches.

    Parameters
    ----------
    configs : sequence of dict
        From :func:`sweep_configs`.
    seeds : int, optional
        Seeds per configuration.
    base_seed : int, optional
        Root seed.
    executor : concurrent.futures.Executor, optional
        Where to run (needs ``directory``); e.g. ``ProcessPoolExecutor(jobs)`` or a
        dask.distributed ``Client(...).get_executor()``.
    directory : path-like, optional
        If given, the sweep runs through :func:`linrec.sweep.run_sweep` (one file per run,
        resumable); if None, runs are computed serially in process and nothing is written.
    progress : callable or bool, optional
        Passed to :func:`linrec.sweep.run_sweep`.

    Returns
    -------
    linrec.sweep.SweepResult
        Runs and their (arrays, meta).

    Examples
    --------
    >>> cfgs = sweep_configs(["lru"], [0.5], {"lru": [1e-2]}, steps=5, T=20, batch_size=2, hidden=2, n_teacher=2)
    >>> res = run_grid(cfgs, seeds=2)
    >>> res.complete, len(res.results)
    (True, 2)
    """
    from linrec import sweep

    configs = [dict(c) for c in configs]
    if directory is not None:
        return sweep.run_sweep(run_teacher_student, configs, directory, seeds=seeds, base_seed=base_seed,
                               seed_by="seed", executor=executor, progress=progress)
    if executor is not None:
        raise ValueError("executor needs a directory (results are written per run by linrec.sweep.run_sweep)")
    runs = sweep.plan(configs, seeds=seeds, base_seed=base_seed, seed_by="seed")
    results = {r.index: run_teacher_student(r.config, np.random.default_rng(r.seed)) for r in runs}
    return sweep.SweepResult(runs, results, {}, [r.index for r in runs])


def best_over_lr(result) -> dict:
    """Per (student, nu0): the learning rate with the smallest median final loss over seeds.

    Parameters
    ----------
    result : linrec.sweep.SweepResult
        From :func:`run_grid`.

    Returns
    -------
    dict
        ``(student, nu0) -> {"lr", "values" (final loss per seed at that lr), "median",
        "geomean", "n_diverged", "by_lr" (lr -> per-seed values)}``; diverged runs count as inf.

    Examples
    --------
    >>> cfgs = sweep_configs(["lru"], [0.5], {"lru": [1e-3, 3e-2]}, steps=30, T=20, batch_size=4,
    ...                      hidden=2, n_teacher=2, objective="population", window=5)
    >>> best = best_over_lr(run_grid(cfgs, seeds=1))
    >>> best[("lru", 0.5)]["lr"]
    0.03
    """
    from linrec import sweep

    table: dict = {}
    for s in sweep.summarize(result):
        c = s["config"]
        key = (c["student"], float(c["nu0"]))
        e = table.setdefault(key, {"by_lr": {}, "best": None})
        e["by_lr"][float(c["lr"])] = s["values"]
        med = s["median"] if not math.isnan(s["median"]) else math.inf
        if e["best"] is None or med < e["best"]["median"]:
            e["best"] = {"lr": float(c["lr"]), "values": s["values"], "median": med, "geomean": s["geomean"],
                         "n_diverged": s["n_diverged"]}
    return {k: {**v["best"], "by_lr": v["by_lr"]} for k, v in table.items()}


def _real_diagonal_form(teacher):
    """Eigen-decomposition of a real teacher as a complex-diagonal student y = Re(sum c_i b_i lam_i^s)."""
    lam, V = np.linalg.eig(teacher.A)
    b = np.linalg.solve(V, teacher.B)[:, 0]
    c = (teacher.C @ V)[0]
    return lam, b, c


def hessian_at_teacher(nu0: float, rng=None, *, T: int = 300, n: int = 10) -> dict:
    """Structure of the exact Hessian at the optimum for the dense and the diagonal students.

    The student equals the teacher (the global optimum of the population loss), so the Hessian
    is the Gauss--Newton matrix ``G = sum_s w_s J_s^T J_s`` of the impulse-response Jacobian
    (:func:`linrec.memory.gauss_newton_hessian`). Four parameterizations of the same teacher:
    ``dense`` (A, B, C entries: :func:`linrec.memory.dense_impulse_response`), ``diag_reim``
    (complex diagonal, Re lam and Im lam, Re/Im of b and c, no normalisation: the ``cdiag``
    student), ``diag_exp`` (the same with ``|lam| = exp(-exp(omega))`` and the angle as
    recurrent coordinates: the ``cdiag_exp`` student up to the angle's log) and
    ``diag_exp_gamma`` (``diag_exp`` with ``gamma = sqrt(1 - |lam|^2)`` held fixed and ``b``
    rescaled by ``1/gamma``: the LRU at the optimum).

    Parameters
    ----------
    nu0 : float
        Teacher band start, in [0, 1).
    rng : Generator or int or None, optional
        Draws the teacher (:func:`linrec.tasks.make_teacher`).
    T : int, optional
        Horizon of the population loss.
    n : int, optional
        Teacher state size.

    Returns
    -------
    dict
        For each of ``"dense"``, ``"diag_reim"``, ``"diag_exp"``, ``"diag_exp_gamma"`` a dict
        with ``lam_max``
        (largest Hessian eigenvalue: the sharpness that limits a plain step size),
        ``lam_max_jacobi`` (largest eigenvalue of ``diag(G)^-1/2 G diag(G)^-1/2`` over the
        coordinates of nonzero curvature: the sharpness left after an ideal diagonal
        preconditioner such as Adam's; 1 for a diagonal G, at most the number of coordinates),
        ``diag_dominance`` (:func:`linrec.memory.diagonal_dominance`),
        ``top_mass_recurrent`` (share of the top eigenvector on the recurrent coordinates,
        :func:`linrec.memory.top_eigvec_mass`), ``top_pr`` (participation ratio of the top
        eigenvector); plus ``"teacher_moduli"``.

    Examples
    --------
    >>> out = hessian_at_teacher(0.5, rng=0, T=50, n=3)
    >>> bool(out["dense"]["lam_max_jacobi"] >= 1.0), bool(out["diag_exp"]["lam_max_jacobi"] >= 1.0)
    (True, True)
    """
    from linrec import memory, tasks

    T = check_positive_int(T, "T")
    n = check_positive_int(n, "n")
    teacher = tasks.make_teacher(as_rng(rng), n=n, nu0=nu0)
    out: dict = {"teacher_moduli": np.sort(np.abs(np.linalg.eigvals(teacher.A)))}

    def stats(G, rec):
        w, V = np.linalg.eigh(0.5 * (G + G.T))
        # coordinates with zero curvature (e.g. the angle of a real eigenvalue) are null directions
        dg = np.diag(G)
        keep = dg > 1e-12 * dg.max()
        d = np.sqrt(dg[keep])
        Gj = G[np.ix_(keep, keep)] / d[:, None] / d[None, :]
        return {"lam_max": float(w[-1]), "lam_max_jacobi": float(np.linalg.eigvalsh(0.5 * (Gj + Gj.T))[-1]),
                "diag_dominance": memory.diagonal_dominance(G),
                "top_mass_recurrent": float(memory.top_eigvec_mass(G, rec)[0]),
                "top_pr": float(memory.participation_ratio(V[:, -1]))}

    _, J = memory.dense_impulse_response(T, teacher.A, teacher.B, teacher.C)
    out["dense"] = stats(memory.gauss_newton_hessian(J), np.arange(n * n))
    lam, b, c = _real_diagonal_form(teacher)
    _, J = memory.diagonal_impulse_response(T, lam, b, c, param="reim")
    out["diag_reim"] = stats(memory.gauss_newton_hessian(J), np.arange(2 * n))
    _, J = memory.diagonal_impulse_response(T, lam, b, c, param="exp")
    out["diag_exp"] = stats(memory.gauss_newton_hessian(J), np.arange(2 * n))
    gam = np.sqrt(memory.one_minus_abs2(lam))
    _, J = memory.diagonal_impulse_response(T, lam, b / gam, c, param="exp", normalization="independent")
    out["diag_exp_gamma"] = stats(memory.gauss_newton_hessian(J), np.arange(2 * n))
    return out


_ANGLE_MAPS = {"polar": "polar", "exp": "lru", "optimal": "gap_angle"}


def angle_dynamics(param: str, *, nu: float = 0.99, theta_star: float = 0.5, theta0: float = 0.6,
                   lr: float = 1e-3, steps: int = 2000, T: int = 1000) -> dict:
    """Learn the angle of one complex eigenvalue with a real Adam under a given parameterization.

    Teacher ``k*_s = gamma Re(lam*^s)`` with ``lam* = nu e^{i theta*}``, ``gamma = sqrt(1 - nu^2)``
    (a 2x2 scaled rotation). Student: :class:`linrec.models.LinearDiagonal` with one complex mode,
    ``gamma = sqrt(1 - |lam|^2)`` as a function of lam, ``b = c = 1``, no feedthrough, started at
    the teacher's modulus and the angle ``theta0``. Only the angle coordinate is trained (the
    modulus weight and b, c get learning rate 0), by :func:`linrec.optim.adam` with a constant
    learning rate whose state (m, v, step) is carried from step to step by
    :func:`linrec.train.train`, on the exact population loss over ``T`` steps.

    Parameters
    ----------
    param : {"polar", "exp", "optimal"}
        ``"polar"``: lam = nu e^{i theta} (angle = theta); ``"exp"``: the LRU map
        lam = exp(-e^nu + i e^theta) (angle = e^theta); ``"optimal"``: the gap-scaled angle
        lam = exp(-e^nu + i theta (1 - e^{-e^nu})) (angle = theta (1 - |lam|)), which makes the
        loss's curvature in theta independent of 1 - |lam|.
    nu : float, optional
        Modulus of teacher and student, in (0, 1).
    theta_star : float, optional
        Teacher angle, in (0, pi).
    theta0 : float, optional
        Initial student angle, in (0, pi).
    lr : float, optional
        Adam's (constant) learning rate.
    steps : int, optional
        Optimizer steps.
    T : int, optional
        Horizon of the population loss.

    Returns
    -------
    dict
        ``loss`` (steps,), ``angle`` (steps + 1,) the student's angle before each step and
        after the last, ``angle_error`` = ``angle - theta_star``, ``width`` = ``1 - nu`` (the
        width of the loss valley in angle), ``diverged``.

    Examples
    --------
    >>> out = angle_dynamics("optimal", nu=0.9, steps=200, T=200, lr=0.05)
    >>> bool(abs(out["angle_error"][-1]) < abs(out["angle_error"][0]))
    True
    """
    from linrec import models, tasks, train
    from linrec.reparam import complex_reparam

    param = check_choice(param, "param", tuple(_ANGLE_MAPS))
    if not 0.0 < nu < 1.0:
        raise ValueError(f"nu must lie in (0, 1); got {nu!r}")
    for name, v in (("theta_star", theta_star), ("theta0", theta0)):
        if not 0.0 < v < np.pi:
            raise ValueError(f"{name} must lie in (0, pi); got {v!r}")
    steps = check_positive_int(steps, "steps")
    T = check_positive_int(T, "T")
    gamma = math.sqrt(1.0 - nu * nu)
    rot = np.array([[math.cos(theta_star), -math.sin(theta_star)], [math.sin(theta_star), math.cos(theta_star)]])
    teacher = tasks.LinearTeacher(nu * rot, np.array([[gamma], [0.0]]), np.array([[1.0, 0.0]]), np.zeros((1, 1)))
    task = tasks.TeacherStudent(teacher, T)
    model = models.LinearDiagonal(1, 1, 1, complex=True, lam_param=_ANGLE_MAPS[param], gamma="fixed",
                                  feedthrough=False)
    cmap = complex_reparam(_ANGLE_MAPS[param])
    if param == "polar":
        w_nu, w_th = nu, theta0
    else:
        w_nu = math.log(-math.log(nu))
        w_th = math.log(theta0) if param == "exp" else theta0 / (1.0 - nu)
    p0 = {"nu": np.array([w_nu]), "theta": np.array([w_th]), "B_re": np.ones((1, 1)), "B_im": np.zeros((1, 1)),
          "C_re": np.ones((1, 1)), "C_im": np.zeros((1, 1))}
    groups = {k: ("angle" if k == "theta" else "frozen") for k in p0}
    opt = _optim.adam({"angle": lr, "frozen": 0.0}, groups=groups)
    angles = []

    def cb(step, params, loss):
        angles.append(float(np.angle(cmap.f(params["nu"], params["theta"]))[0]))
        return False

    h = train.train(model, task, opt, steps=steps, rng=0, params=p0, objective="population", eig_every=0,
                    callback=cb)
    angle = np.full(steps + 1, np.nan)
    angle[0] = theta0
    angle[1:1 + len(angles)] = angles
    return {"loss": h.loss, "angle": angle, "angle_error": angle - theta_star, "width": 1.0 - nu,
            "diverged": bool(h.diverged)}
