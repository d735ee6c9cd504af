"""Synthetic sequence tasks: teacher–student identification, linear functionals, Pascanu's tasks, copying.

Every task is a frozen dataclass with ``input_dim``, ``output_dim``, ``loss`` (``"mse"`` or
``"ce"``) and ``sample(rng, batch_size) -> Batch``. A :class:`Batch` holds

- ``x`` : (T, B, d_in) float inputs,
- ``target`` : (T, B, d_out) floats for ``"mse"``, (T, B) integer classes for ``"ce"``,
- ``mask`` : (T,) booleans, the time steps that enter the loss (all of them for
  teacher–student, the last one for the adding and temporal-order problems).

Data are fresh at every call (the protocol of Zucchet & Orvieto 2024): pass the training loop's
generator and successive calls draw new sequences.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from linrec._validation import as_float_array, as_rng, check_choice, check_positive_int
from linrec.models.conv import causal_conv

__all__ = [
    "Batch",
    "LinearTeacher",
    "make_teacher",
    "TeacherStudent",
    "memory_kernel",
    "LinearFunctional",
    "delayed_bump",
    "Adding",
    "TemporalOrder",
    "Copy",
    "SelectiveCopy",
    "Parity",
]


class Batch(NamedTuple):
    """One batch of a task.

    Parameters
    ----------
    x : numpy.ndarray
        Inputs, shape (T, B, d_in).
    target : numpy.ndarray
        Targets: (T, B, d_out) floats for a regression task, (T, B) ints for classification.
    mask : numpy.ndarray
        Booleans of shape (T,): which time steps enter the loss.

    Examples
    --------
    >>> b = Batch(np.zeros((3, 2, 1)), np.zeros((3, 2, 1)), np.ones(3, bool))
    >>> b.x.shape
    (3, 2, 1)
    """

    x: np.ndarray
    target: np.ndarray
    mask: np.ndarray


@dataclass(frozen=True)
class LinearTeacher:
    """A linear state-space teacher h_t = A h_{t-1} + B x_t, y_t = C h_t + D x_t, h_0 = 0.

    Parameters
    ----------
    A : numpy.ndarray
        (n, n) real state matrix.
    B : numpy.ndarray
        (n, d_in) input matrix.
    C : numpy.ndarray
        (d_out, n) output matrix.
    D : numpy.ndarray
        (d_out, d_in) feed-through.

    Examples
    --------
    >>> t = LinearTeacher(np.array([[0.5]]), np.ones((1, 1)), np.ones((1, 1)), np.zeros((1, 1)))
    >>> t.impulse_response(3)[:, 0, 0]
    array([1.  , 0.5 , 0.25])
    """

    A: np.ndarray
    B: np.ndarray
    C: np.ndarray
    D: np.ndarray

    def __post_init__(self):
        A = as_float_array(self.A, "A", allow_complex=False, ndim=2)
        n = A.shape[0]
        if A.shape != (n, n):
            raise ValueError(f"A must be square; got shape {A.shape}")
        B = as_float_array(self.B, "B", allow_complex=False, ndim=2)
        C = as_float_array(self.C, "C", allow_complex=False, ndim=2)
        D = as_float_array(self.D, "D", allow_complex=False, ndim=2)
        if B.shape[0] != n or C.shape[1] != n or D.shape != (C.shape[0], B.shape[1]):
            raise ValueError(f"inconsistent shapes A {A.shape}, B {B.shape}, C {C.shape}, D {D.shape}")
        for name, v in (("A", A), ("B", B), ("C", C), ("D", D)):
            object.__setattr__(self, name, v)

    @property
    def input_dim(self) -> int:
        """Number of input channels."""
        return self.B.shape[1]

    @property
    def output_dim(self) -> int:
        """Number of output channels."""
        return self.C.shape[0]

    def impulse_response(self, T: int) -> np.ndarray:
        """k_0 = C B + D, k_s = C A^s B for s = 1..T-1, shape (T, d_out, d_in)."""
        T = check_positive_int(T, "T")
        k = np.empty((T, self.output_dim, self.input_dim))
        u = self.B.copy()
        for s in range(T):
            k[s] = self.C @ u
            u = self.A @ u
        k[0] += self.D
        return k

    def __call__(self, x) -> np.ndarray:
        """Outputs (T, B, d_out) for inputs x of shape (T, B, d_in), from h_0 = 0."""
        x = as_float_array(x, "x", allow_complex=False, ndim=3)
        return causal_conv(x, self.impulse_response(x.shape[0]))


def make_teacher(rng=None, n: int = 10, nu0: float = 0.0, *, max_phase: float = np.pi,
                 input_dim: int = 1, output_dim: int = 1) -> LinearTeacher:
    """Draw the teacher of Zucchet & Orvieto's teacher–student experiment.

    Parameters
    ----------
    rng : Generator or int or None
        Random source.
    n : int, optional
        Teacher state dimension (10 in the paper).
    nu0 : float, optional
        Lower end of the band of eigenvalue moduli, in [0, 1).
    max_phase : float, optional
        Phases arg(l) in (-pi, pi] are rescaled by max_phase / pi (pi keeps them).
    input_dim, output_dim : int, optional
        Input and output dimensions (1 in the paper).

    Returns
    -------
    LinearTeacher
        A0 has i.i.d. N(0, 1/n) entries, A0 = V diag(l) V^-1, each eigenvalue is remapped to
        l' = (nu0 + (1 - nu0) tanh|l|) exp(i arg(l) max_phase / pi) and A = Re(V diag(l') V^-1)
        (conjugate pairs stay paired, so A is real with moduli in [nu0, 1)); B ~ N(0, 1),
        C ~ N(0, 1)/sqrt(n), D ~ N(0, 1).

    References
    ----------
    N. Zucchet and A. Orvieto, "Recurrent neural networks: vanishing and exploding gradients are
    not the end of the story", NeurIPS 2024, Sec. 5 and their code (teacher construction).

    Examples
    --------
    >>> t = make_teacher(0, nu0=0.99)
    >>> mods = np.abs(np.linalg.eigvals(t.A))
    >>> bool(mods.min() >= 0.99 - 1e-9 and mods.max() < 1)
    True
    """
    g = as_rng(rng)
    n = check_positive_int(n, "n")
    nu0 = float(nu0)
    if not 0.0 <= nu0 < 1.0:
        raise ValueError(f"nu0 must lie in [0, 1); got {nu0!r}")
    if not 0.0 < max_phase <= np.pi:
        raise ValueError(f"max_phase must lie in (0, pi]; got {max_phase!r}")
    input_dim = check_positive_int(input_dim, "input_dim")
    output_dim = check_positive_int(output_dim, "output_dim")
    A0 = g.normal(scale=1.0 / np.sqrt(n), size=(n, n))
    lam, V = np.linalg.eig(A0)
    new = (nu0 + (1.0 - nu0) * np.tanh(np.abs(lam))) * np.exp(1j * np.angle(lam) * max_phase / np.pi)
    A = np.real(V @ np.diag(new) @ np.linalg.inv(V))
    B = g.normal(size=(n, input_dim))
    C = g.normal(size=(output_dim, n)) / np.sqrt(n)
    D = g.normal(size=(output_dim, input_dim))
    return LinearTeacher(A, B, C, D)


@dataclass(frozen=True)
class TeacherStudent:
    """Linear system identification: regress the teacher's outputs on fresh random inputs.

    Parameters
    ----------
    teacher : LinearTeacher
        The system to identify (see :func:`make_teacher`).
    T : int
        Sequence length (300 in Zucchet & Orvieto 2024).
    inputs : {"gaussian", "constant"}, optional
        i.i.d. N(0, 1) inputs, or one N(0, 1) value held for the whole sequence.

    Examples
    --------
    >>> task = TeacherStudent(make_teacher(0), T=20)
    >>> b = task.sample(np.random.default_rng(1), 4)
    >>> b.x.shape, b.target.shape, bool(b.mask.all())
    ((20, 4, 1), (20, 4, 1), True)
    """

    teacher: LinearTeacher
    T: int
    inputs: str = "gaussian"
    loss: str = field(default="mse", init=False)

    def __post_init__(self):
        if not isinstance(self.teacher, LinearTeacher):
            raise TypeError(f"teacher must be a LinearTeacher; got {type(self.teacher).__name__}")
        object.__setattr__(self, "T", check_positive_int(self.T, "T"))
        check_choice(self.inputs, "inputs", ("gaussian", "constant"))
        object.__setattr__(self, "_k", self.teacher.impulse_response(self.T))

    @property
    def input_dim(self) -> int:
        """Number of input channels."""
        return self.teacher.input_dim

    @property
    def output_dim(self) -> int:
        """Number of output channels."""
        return self.teacher.output_dim

    def impulse_response(self) -> np.ndarray:
        """The teacher's impulse response over the task's horizon, (T, d_out, d_in)."""
        return self._k.copy()

    @property
    def input_variance(self) -> float:
        """Variance of each input entry (1): the expected ``"mse"`` loss of a linear time-invariant
        model is this times its unit-variance white-noise population loss (Gaussian inputs)."""
        return 1.0

    @property
    def lti_target(self) -> bool:
        """The target is the causal filter k* * x of the inputs (lets training fuse the FFTs)."""
        return True

    def sample(self, rng, batch_size: int, *, targets: bool = True) -> Batch:
        """Draw a fresh batch (inputs, teacher outputs, all-true mask).

        Parameters
        ----------
        rng : Generator or int or None
            Random source.
        batch_size : int
            Number of sequences B.
        targets : bool, optional
            Compute the teacher's outputs (False: ``target`` is None and the inputs are the
            same draw; used by the training loop's fused path).

        Returns
        -------
        Batch
            x (T, B, d_in), target (T, B, d_out), mask (T,).
        """
        g = as_rng(rng)
        B = check_positive_int(batch_size, "batch_size")
        if self.inputs == "gaussian":
            x = g.standard_normal((self.T, B, self.input_dim))
        else:
            x = np.broadcast_to(g.standard_normal((1, B, self.input_dim)), (self.T, B, self.input_dim)).copy()
        y = causal_conv(x, self._k) if targets else None
        return Batch(x, y, np.ones(self.T, dtype=bool))


_KERNELS = ("exp", "poly", "shifted", "bump", "airy")


def memory_kernel(kind: str, t, *, tau: float = 1.0, power: float = 2.0, t0: float = 0.0,
                  width: float = 1.0, scale: float = 1.0) -> np.ndarray:
    """Memory kernels rho(t) of the linear-functional targets (Li et al. 2021; Wang et al. 2024).

    Parameters
    ----------
    kind : {"exp", "poly", "shifted", "bump", "airy"}
        ``"exp"``: exp(-t / tau); ``"poly"``: (1 + t)^(-power); ``"shifted"``:
        exp(-(t - t0) / tau) for t >= t0 and 0 before; ``"bump"``: exp(-(t - t0)^2 / (2 width^2));
        ``"airy"``: Ai(scale (t - t0)).
    t : array_like
        Non-negative times.
    tau : float, optional
        Decay time of ``"exp"`` and ``"shifted"``.
    power : float, optional
        Exponent of ``"poly"``.
    t0 : float, optional
        Delay of ``"shifted"``, ``"bump"`` and ``"airy"``.
    width : float, optional
        Width of ``"bump"``.
    scale : float, optional
        Time scale of ``"airy"``.

    Returns
    -------
    numpy.ndarray
        rho(t).

    Examples
    --------
    >>> np.round(memory_kernel("poly", [0.0, 1.0], power=2.0), 3)
    array([1.  , 0.25])
    """
    kind = check_choice(kind, "kind", _KERNELS)
    t = as_float_array(t, "t", allow_complex=False, min_size=0)
    if np.any(t < 0):
        raise ValueError("t must be non-negative")
    for name, v in (("tau", tau), ("width", width), ("scale", scale)):
        if not v > 0:
            raise ValueError(f"{name} must be > 0; got {v!r}")
    if kind == "exp":
        return np.exp(-t / tau)
    if kind == "poly":
        return (1.0 + t) ** (-float(power))
    if kind == "shifted":
        return np.where(t >= t0, np.exp(-np.maximum(t - t0, 0.0) / tau), 0.0)
    if kind == "bump":
        return np.exp(-((t - t0) ** 2) / (2.0 * width**2))
    from scipy.special import airy

    return airy(scale * (t - t0))[0]


@dataclass(frozen=True)
class LinearFunctional:
    """Target y_t = sum_{s=0}^{t} rho(s dt) x_{t-s} with inputs x = dt * N(0, 1) (a Riemann sum of
    the linear functional H_t(x) = int_0^t rho(s) x(t - s) ds of Li et al. 2021).

    Parameters
    ----------
    kernel : str
        A :func:`memory_kernel` kind.
    T : int
        Sequence length.
    dt : float, optional
        Time step.
    params : dict, optional
        Keyword arguments of :func:`memory_kernel`.
    input_std : float, optional
        Standard deviation of the inputs (default None: dt, i.e. x = dt * N(0, 1), the Riemann
        sum's quadrature weight folded into the input sampled from N(0, 1)).

    Notes
    -----
    Population loss. With x_t = sigma z_t (z i.i.d. N(0, 1), sigma = ``input_std``) and a model
    of impulse response k, the error e_t = sum_{s<=t} (k_s - rho(s dt)) x_{t-s} has
    E e_t^2 = sigma^2 sum_{s<=t} (k_s - rho(s dt))^2, so the expected ``"mse"`` loss is

        L = sigma^2 / (2T) sum_{s=0}^{T-1} (T - s) (k_s - rho(s dt))^2

    (:meth:`population_loss`): ``input_variance`` = sigma^2 (dt^2 by default) times the
    unit-variance population loss of :meth:`linrec.models.LTIModel.population_loss_and_grad`.
    ``train(..., objective="population")`` minimises exactly this L, the expectation of the
    sampled loss (tested by Monte Carlo in ``tests/test_tasks.py``).

    Examples
    --------
    >>> task = LinearFunctional("exp", T=50, dt=0.1)
    >>> b = task.sample(0, 3)
    >>> b.target.shape
    (50, 3, 1)
    """

    kernel: str
    T: int
    dt: float = 0.1
    params: dict = field(default_factory=dict)
    input_std: float | None = None
    loss: str = field(default="mse", init=False)
    input_dim: int = field(default=1, init=False)
    output_dim: int = field(default=1, init=False)

    def __post_init__(self):
        object.__setattr__(self, "T", check_positive_int(self.T, "T"))
        if not self.dt > 0:
            raise ValueError(f"dt must be > 0; got {self.dt!r}")
        std = self.dt if self.input_std is None else self.input_std
        if isinstance(std, bool) or not isinstance(std, (int, float, np.integer, np.floating)) or not (
                0 < std < np.inf):
            raise ValueError(f"input_std must be a positive finite number or None; got {self.input_std!r}")
        object.__setattr__(self, "_std", float(std))
        rho = memory_kernel(self.kernel, self.dt * np.arange(self.T), **self.params)
        object.__setattr__(self, "_k", rho.reshape(self.T, 1, 1))

    def impulse_response(self) -> np.ndarray:
        """The target kernel rho(s dt), shape (T, 1, 1)."""
        return self._k.copy()

    @property
    def input_variance(self) -> float:
        """Variance sigma^2 of each input entry (the square of ``input_std``; dt^2 by default).

        The expected ``"mse"`` loss of a linear time-invariant model is this times its
        unit-variance white-noise population loss (see the class Notes).
        """
        return self._std**2

    def population_loss(self, k) -> float:
        """Exact expectation of the sampled ``"mse"`` loss of a model with impulse response ``k``.

        Parameters
        ----------
        k : array_like, shape (T, 1, 1) or (T,)
            The model's impulse response over the task's horizon (e.g.
            ``model.impulse_response(params, task.T)``).

        Returns
        -------
        float
            L = sigma^2 / (2T) sum_{s=0}^{T-1} (T - s) (k_s - rho(s dt))^2, the mean over
            inputs x = sigma N(0, 1) (sigma = dt by default) of the loss
            1/(2T) sum_t (y_t - y*_t)^2 (the batch mean of the ``"mse"`` loss); what
            ``train(..., objective="population")`` minimises.

        Examples
        --------
        >>> task = LinearFunctional("exp", T=3, dt=0.5, params={"tau": 1.0})
        >>> round(task.population_loss(np.zeros(3)), 6)  # dt^2/(2T) (3 + 2 e^-1 + e^-2)
        0.161296
        """
        from linrec.memory import population_loss

        k = np.asarray(k, dtype=np.float64).reshape(-1, 1, 1)
        if k.shape[0] != self.T:
            raise ValueError(f"k must have {self.T} lags (T, 1, 1); got shape {np.shape(k)}")
        return self.input_variance * float(population_loss(k, self._k))

    @property
    def lti_target(self) -> bool:
        """The target is the causal filter k* * x of the inputs."""
        return True

    def sample(self, rng, batch_size: int, *, targets: bool = True) -> Batch:
        """Draw inputs dt * N(0, 1) (``input_std`` * N(0, 1)) and the functional's outputs.

        Parameters
        ----------
        rng : Generator or int or None
            Random source.
        batch_size : int
            Number of sequences B.
        targets : bool, optional
            Compute the outputs (False: ``target`` is None, same inputs).

        Returns
        -------
        Batch
            x (T, B, 1), target (T, B, 1), mask (T,).
        """
        g = as_rng(rng)
        B = check_positive_int(batch_size, "batch_size")
        x = self._std * g.standard_normal((self.T, B, 1))
        return Batch(x, causal_conv(x, self._k) if targets else None, np.ones(self.T, dtype=bool))


def delayed_bump(T: int, delay: float, *, width: float = 1.0, dt: float = 0.1,
                 input_std: float | None = 1.0) -> LinearFunctional:
    """Linear functional whose memory is a Gaussian bump at a delay (plateau studies, Li et al. 2021).

    Parameters
    ----------
    T : int
        Sequence length.
    delay : float
        Centre t0 of the bump (in time units, i.e. t0 / dt steps).
    width : float, optional
        Width of the bump.
    dt : float, optional
        Time step.
    input_std : float or None, optional
        Standard deviation of the inputs. Default 1: unit-variance white noise, so that the
        expected loss (``train(..., objective="population")``) is the unit-variance population
        loss 1/(2T) sum_s (T - s) (k_s - rho(s dt))^2 for which the plateau theory of
        :mod:`linrec.experiments.li2021_curse_of_memory` is written. None: dt, the
        :class:`LinearFunctional` convention x = dt * N(0, 1) (the loss is then dt^2 times it).

    Returns
    -------
    LinearFunctional
        With kernel rho(t) = exp(-(t - delay)^2 / (2 width^2)).

    Examples
    --------
    >>> task = delayed_bump(100, 5.0, dt=0.1)
    >>> int(np.argmax(task.impulse_response()[:, 0, 0])), task.input_variance
    (50, 1.0)
    """
    return LinearFunctional("bump", T, dt, {"t0": float(delay), "width": float(width)}, input_std=input_std)


@dataclass(frozen=True)
class Adding:
    """Pascanu et al.'s adding problem: regress the mean of the two marked values at the last step.

    Parameters
    ----------
    T : int
        Nominal length (>= 10).
    jitter : bool, optional
        As in the original code, draw the batch's length uniformly in [T, T + T//10).

    Notes
    -----
    Channel 0 holds the markers, channel 1 values U[0, 1); the first marker is in [0, l/10), the
    second in [l/10, l/2); target = (v_{p0} + v_{p1}) / 2 (Pascanu et al.'s ``addition.py``).

    Examples
    --------
    >>> b = Adding(20).sample(0, 5)
    >>> bool(np.all(b.x[:, :, 0].sum(0) == 2)), b.target.shape, bool(b.mask[-1] and b.mask.sum() == 1)
    (True, (20, 5, 1), True)
    """

    T: int
    jitter: bool = False
    loss: str = field(default="mse", init=False)
    input_dim: int = field(default=2, init=False)
    output_dim: int = field(default=1, init=False)

    def __post_init__(self):
        T = check_positive_int(self.T, "T")
        if T < 10:
            raise ValueError(f"T must be >= 10; got {T}")
        object.__setattr__(self, "T", T)

    def sample(self, rng, batch_size: int) -> Batch:
        """Draw one batch.

        Parameters
        ----------
        rng : Generator or int or None
            Random source (successive calls on one generator give fresh data).
        batch_size : int
            Number of sequences B.

        Returns
        -------
        Batch
            Inputs, targets and the loss mask.
        """
        g = as_rng(rng)
        B = check_positive_int(batch_size, "batch_size")
        L = self.T + (int(g.integers(self.T // 10)) if self.jitter and self.T >= 20 else 0)
        p0 = g.integers(L // 10, size=B)
        p1 = g.integers(int(L * 0.4), size=B) + L // 10
        x = np.empty((L, B, 2))
        x[:, :, 1] = g.uniform(size=(L, B))
        x[:, :, 0] = 0.0
        cols = np.arange(B)
        x[p0, cols, 0] = 1.0
        x[p1, cols, 0] = 1.0
        target = np.zeros((L, B, 1))
        target[-1, :, 0] = 0.5 * (x[p0, cols, 1] + x[p1, cols, 1])
        mask = np.zeros(L, dtype=bool)
        mask[-1] = True
        return Batch(x, target, mask)


@dataclass(frozen=True)
class TemporalOrder:
    """Pascanu et al.'s temporal order problem (2 bits, 4 classes; or 3 bits, 8 classes).

    Parameters
    ----------
    T : int
        Sequence length (>= 10).
    bits : {2, 3}, optional
        Number of relevant symbols.

    Notes
    -----
    Six one-hot symbols: {A, B} carry the bits, {c, d, e, f} are distractors. For 2 bits the
    relevant symbols sit in [T/10, 2T/10) and [5T/10, 6T/10); for 3 bits in [T/10, 2T/10),
    [3T/10, 4T/10) and [6T/10, 7T/10). The class sum_i v_i 2^i is predicted at the last step
    (``tempOrder.py``/``tempOrder3bit.py`` of Pascanu et al.).

    Examples
    --------
    >>> b = TemporalOrder(20).sample(0, 4)
    >>> b.x.shape, b.target.shape, int(b.target[-1].max()) < 4
    ((20, 4, 6), (20, 4), True)
    """

    T: int
    bits: int = 2
    loss: str = field(default="ce", init=False)
    input_dim: int = field(default=6, init=False)

    def __post_init__(self):
        T = check_positive_int(self.T, "T")
        if T < 10:
            raise ValueError(f"T must be >= 10; got {T}")
        if self.bits not in (2, 3):
            raise ValueError(f"bits must be 2 or 3; got {self.bits!r}")
        object.__setattr__(self, "T", T)

    @property
    def output_dim(self) -> int:
        """Number of classes (2**bits)."""
        return 2**self.bits

    def sample(self, rng, batch_size: int) -> Batch:
        """Draw one batch.

        Parameters
        ----------
        rng : Generator or int or None
            Random source (successive calls on one generator give fresh data).
        batch_size : int
            Number of sequences B.

        Returns
        -------
        Batch
            Inputs, targets and the loss mask.
        """
        g = as_rng(rng)
        B = check_positive_int(batch_size, "batch_size")
        L = self.T
        starts = (0.1, 0.5) if self.bits == 2 else (0.1, 0.3, 0.6)
        vals = g.integers(4, size=(L, B)) + 2
        cls = np.zeros(B, dtype=np.int64)
        cols = np.arange(B)
        for i, st in enumerate(starts):
            p = g.integers(max(int(L * 0.1), 1), size=B) + int(L * st)
            v = g.integers(2, size=B)
            vals[p, cols] = v
            cls += v << i
        x = np.zeros((L, B, 6))
        np.put_along_axis(x, vals[:, :, None], 1.0, axis=2)
        target = np.zeros((L, B), dtype=np.int64)
        target[-1] = cls
        mask = np.zeros(L, dtype=bool)
        mask[-1] = True
        return Batch(x, target, mask)


@dataclass(frozen=True)
class Copy:
    """Copy task: read ``n_copy`` symbols, wait ``delay`` blanks, see a delimiter, write them back.

    Parameters
    ----------
    n_symbols : int
        Alphabet size (classes).
    n_copy : int
        Number of symbols to memorise.
    delay : int
        Number of blank steps between the symbols and the delimiter.

    Notes
    -----
    Inputs are one-hot over n_symbols + 2 channels (symbols, blank, delimiter); T =
    2 n_copy + delay + 1 and the loss counts the last n_copy steps.

    Examples
    --------
    >>> b = Copy(4, 3, 5).sample(0, 2)
    >>> b.x.shape, int(b.mask.sum())
    ((12, 2, 6), 3)
    """

    n_symbols: int
    n_copy: int
    delay: int
    loss: str = field(default="ce", init=False)

    def __post_init__(self):
        for name in ("n_symbols", "n_copy"):
            object.__setattr__(self, name, check_positive_int(getattr(self, name), name))
        if int(self.delay) < 0:
            raise ValueError(f"delay must be >= 0; got {self.delay!r}")

    @property
    def T(self) -> int:
        """Sequence length."""
        return 2 * self.n_copy + int(self.delay) + 1

    @property
    def input_dim(self) -> int:
        """Symbols plus blank and delimiter."""
        return self.n_symbols + 2

    @property
    def output_dim(self) -> int:
        """Number of classes."""
        return self.n_symbols

    def sample(self, rng, batch_size: int) -> Batch:
        """Draw one batch.

        Parameters
        ----------
        rng : Generator or int or None
            Random source (successive calls on one generator give fresh data).
        batch_size : int
            Number of sequences B.

        Returns
        -------
        Batch
            Inputs, targets and the loss mask.
        """
        g = as_rng(rng)
        B = check_positive_int(batch_size, "batch_size")
        K, T = self.n_copy, self.T
        sym = g.integers(self.n_symbols, size=(K, B))
        tok = np.full((T, B), self.n_symbols)  # blank
        tok[:K] = sym
        tok[K + int(self.delay)] = self.n_symbols + 1  # delimiter
        return _one_hot_batch(tok, sym, self.input_dim, T, K)


@dataclass(frozen=True)
class SelectiveCopy:
    """Selective copy (Gu & Dao 2023): ``n_copy`` symbols at random positions among ``length``
    blanks must be written back in order after a delimiter.

    Parameters
    ----------
    n_symbols : int
        Alphabet size.
    n_copy : int
        Number of symbols to copy.
    length : int
        Length of the region where the symbols are scattered (>= n_copy).

    Examples
    --------
    >>> b = SelectiveCopy(4, 2, 8).sample(0, 3)
    >>> b.x.shape, b.target.shape
    ((11, 3, 6), (11, 3))
    """

    n_symbols: int
    n_copy: int
    length: int
    loss: str = field(default="ce", init=False)

    def __post_init__(self):
        for name in ("n_symbols", "n_copy", "length"):
            object.__setattr__(self, name, check_positive_int(getattr(self, name), name))
        if self.length < self.n_copy:
            raise ValueError(f"length must be >= n_copy = {self.n_copy}; got {self.length}")

    @property
    def T(self) -> int:
        """Sequence length."""
        return self.length + 1 + self.n_copy

    @property
    def input_dim(self) -> int:
        """Symbols plus blank and delimiter."""
        return self.n_symbols + 2

    @property
    def output_dim(self) -> int:
        """Number of classes."""
        return self.n_symbols

    def sample(self, rng, batch_size: int) -> Batch:
        """Draw one batch.

        Parameters
        ----------
        rng : Generator or int or None
            Random source (successive calls on one generator give fresh data).
        batch_size : int
            Number of sequences B.

        Returns
        -------
        Batch
            Inputs, targets and the loss mask.
        """
        g = as_rng(rng)
        B = check_positive_int(batch_size, "batch_size")
        K, L = self.n_copy, self.length
        sym = g.integers(self.n_symbols, size=(K, B))
        pos = np.sort(np.argsort(g.random((L, B)), axis=0)[:K], axis=0)
        tok = np.full((self.T, B), self.n_symbols)
        tok[pos, np.arange(B)] = sym
        tok[L] = self.n_symbols + 1
        return _one_hot_batch(tok, sym, self.input_dim, self.T, K)


@dataclass(frozen=True)
class Parity:
    """Prefix parity: i.i.d. fair bits x_t in {0, 1}, target sum_{s <= t} x_s mod 2 at every step.

    Parameters
    ----------
    T : int
        Sequence length.

    Notes
    -----
    target_t = (x_0 + ... + x_t) mod 2, the state of the two-state automaton of the group Z_2;
    a linear recurrence with gates in [0, 1] cannot track it (Grazzi et al. 2025).

    References
    ----------
    R. Grazzi et al., "Unlocking state-tracking in linear RNNs through negative eigenvalues",
    ICLR 2025, Sec. 5.1 (parity).

    Examples
    --------
    >>> b = Parity(5).sample(0, 2)
    >>> bool(np.all(b.target == np.cumsum(b.x[..., 0], axis=0) % 2)), b.x.shape
    (True, (5, 2, 1))
    """

    T: int
    loss: str = field(default="ce", init=False)

    def __post_init__(self):
        object.__setattr__(self, "T", check_positive_int(self.T, "T"))

    @property
    def input_dim(self) -> int:
        """One bit per step."""
        return 1

    @property
    def output_dim(self) -> int:
        """Two classes (even, odd)."""
        return 2

    def sample(self, rng, batch_size: int) -> Batch:
        """Draw one batch: ``x`` (T, B, 1) bits, ``target`` (T, B) prefix parities, every step masked in.

        Parameters
        ----------
        rng : Generator or int or None
            Random source.
        batch_size : int
            Number of sequences B.

        Returns
        -------
        Batch
            Inputs, targets and the loss mask.
        """
        g = as_rng(rng)
        B = check_positive_int(batch_size, "batch_size")
        bits = g.integers(0, 2, size=(self.T, B))
        return Batch(bits[:, :, None].astype(np.float64), np.cumsum(bits, axis=0) % 2, np.ones(self.T, dtype=bool))


def _one_hot_batch(tok: np.ndarray, sym: np.ndarray, dim: int, T: int, K: int) -> Batch:
    B = tok.shape[1]
    x = np.zeros((T, B, dim))
    np.put_along_axis(x, tok[:, :, None], 1.0, axis=2)
    target = np.zeros((T, B), dtype=np.int64)
    target[T - K:] = sym
    mask = np.zeros(T, dtype=bool)
    mask[T - K:] = True
    return Batch(x, target, mask)
