"""Optimizers as pure ``(init, update)`` pairs over dicts of arrays (optax style).

A :class:`Transform` has ``init(params) -> state`` and
``update(grads, state, params) -> (updates, new_state)``; :func:`apply_updates` adds the updates
to the parameters. Nothing is mutated: every call returns new arrays, so a training loop can
keep, copy or checkpoint any state.

Learning rates are a float, a schedule (a callable ``step -> float``, e.g. :func:`cosine_decay`)
or a mapping from parameter names / group names to either (per-group learning rates, e.g. a
smaller rate for the recurrent eigenvalues as in Zucchet & Orvieto 2024); ``groups`` maps
parameter names to group names.

Schedules count steps from 0 (the first update uses ``schedule(0)``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

import numpy as np

__all__ = [
    "Transform",
    "constant",
    "cosine_decay",
    "global_norm",
    "apply_updates",
    "chain",
    "clip_by_global_norm",
    "sgd",
    "momentum",
    "adam",
    "adamw",
]

Params = dict[str, np.ndarray]
Schedule = Callable[[int], float]


class Transform(NamedTuple):
    """A pure gradient transformation.

    Parameters
    ----------
    init : callable
        ``init(params) -> state``.
    update : callable
        ``update(grads, state, params) -> (updates, new_state)``; ``updates`` is a dict of arrays
        to add to the parameters.

    Examples
    --------
    >>> opt = sgd(0.1)
    >>> p = {"w": np.array([1.0])}
    >>> u, s = opt.update({"w": np.array([2.0])}, opt.init(p), p)
    >>> float(u["w"][0])
    -0.2
    """

    init: Callable[[Params], Any]
    update: Callable[[Params, Any, Params | None], tuple[Params, Any]]


def constant(value: float) -> Schedule:
    """Constant schedule.

    Parameters
    ----------
    value : float
        The learning rate at every step.

    Returns
    -------
    callable
        ``step -> value``.

    Examples
    --------
    >>> constant(0.5)(100)
    0.5
    """
    v = float(value)
    if not np.isfinite(v):
        raise ValueError(f"value must be finite; got {value!r}")
    return lambda step: v


def cosine_decay(
    peak: float, decay_steps: int, *, warmup_steps: int = 0, init_value: float = 0.0, end_value: float = 0.0
) -> Schedule:
    """Linear warmup then cosine decay (the schedule of Zucchet & Orvieto 2024 and the LRU paper).

    Parameters
    ----------
    peak : float
        Learning rate at the end of the warmup.
    decay_steps : int
        Total number of steps (warmup included) after which the rate stays at ``end_value``.
    warmup_steps : int, optional
        Length of the linear warmup from ``init_value`` to ``peak`` (default 0).
    init_value : float, optional
        Learning rate at step 0 when ``warmup_steps > 0``.
    end_value : float, optional
        Final learning rate.

    Returns
    -------
    callable
        ``step -> lr``: for ``step < warmup_steps`` the rate is
        ``init + (peak - init) step / warmup_steps``; afterwards
        ``end + (peak - end) (1 + cos(pi min(1, (step - warmup) / (decay_steps - warmup)))) / 2``.

    Examples
    --------
    >>> s = cosine_decay(1.0, 10)
    >>> [round(s(k), 3) for k in (0, 5, 10, 20)]
    [1.0, 0.5, 0.0, 0.0]
    """
    decay_steps = int(decay_steps)
    warmup_steps = int(warmup_steps)
    if decay_steps < 1:
        raise ValueError(f"decay_steps must be >= 1; got {decay_steps}")
    if not 0 <= warmup_steps <= decay_steps:
        raise ValueError(f"warmup_steps must lie in [0, decay_steps]; got {warmup_steps}")
    peak, init_value, end_value = float(peak), float(init_value), float(end_value)
    span = max(decay_steps - warmup_steps, 1)

    def schedule(step: int) -> float:
        if step < warmup_steps:
            return init_value + (peak - init_value) * step / warmup_steps
        frac = min(1.0, (step - warmup_steps) / span)
        return end_value + (peak - end_value) * 0.5 * (1.0 + math.cos(math.pi * frac))

    return schedule


def global_norm(tree: Mapping[str, Any]) -> float:
    """Euclidean norm of all entries of a dict of arrays together.

    Parameters
    ----------
    tree : mapping of str to array_like
        Gradients or updates.

    Returns
    -------
    float
        sqrt(sum over arrays of sum |entry|^2).

    Examples
    --------
    >>> global_norm({"a": np.array([3.0]), "b": np.array([[4.0]])})
    5.0
    """
    total = 0.0
    for v in tree.values():
        v = np.asarray(v)
        total += float(np.vdot(v, v).real)
    return math.sqrt(total)


def apply_updates(params: Mapping[str, np.ndarray], updates: Mapping[str, np.ndarray]) -> Params:
    """Return ``params + updates`` as a new dict (parameters without an update are kept).

    Parameters
    ----------
    params : mapping of str to ndarray
        Current parameters.
    updates : mapping of str to ndarray
        Increments (from ``Transform.update``).

    Returns
    -------
    dict
        New parameters.

    Examples
    --------
    >>> apply_updates({"w": np.array([1.0])}, {"w": np.array([0.5])})["w"]
    array([1.5])
    """
    unknown = set(updates) - set(params)
    if unknown:
        raise ValueError(f"updates has keys not in params: {sorted(unknown)}")
    return {k: (params[k] + updates[k]) if k in updates else params[k] for k in params}


def chain(*transforms: Transform) -> Transform:
    """Compose transformations left to right (e.g. clipping, then Adam).

    Parameters
    ----------
    *transforms : Transform
        Applied in order; each sees the previous one's output as its gradient.

    Returns
    -------
    Transform
        The composition; its state is a tuple of the states.

    Examples
    --------
    >>> opt = chain(clip_by_global_norm(1.0), sgd(1.0))
    >>> p = {"w": np.zeros(2)}
    >>> u, _ = opt.update({"w": np.array([3.0, 4.0])}, opt.init(p), p)
    >>> u["w"]
    array([-0.6, -0.8])
    """
    for i, t in enumerate(transforms):
        if not isinstance(t, Transform):
            raise TypeError(f"transforms[{i}] must be a Transform; got {type(t).__name__}")

    def init(params):
        return tuple(t.init(params) for t in transforms)

    def update(grads, state, params=None):
        new_states = []
        for t, s in zip(transforms, state):
            grads, s = t.update(grads, s, params)
            new_states.append(s)
        return grads, tuple(new_states)

    return Transform(init, update)


def clip_by_global_norm(max_norm: float) -> Transform:
    """Rescale the whole gradient to norm ``max_norm`` when it is larger (Pascanu et al. 2013, Alg. 1).

    Parameters
    ----------
    max_norm : float
        Threshold on the global norm (> 0).

    Returns
    -------
    Transform
        ``g -> g * min(1, max_norm / ||g||)``; stateless.

    Examples
    --------
    >>> t = clip_by_global_norm(1.0)
    >>> u, _ = t.update({"w": np.array([0.0, 2.0])}, t.init({}), None)
    >>> u["w"]
    array([0., 1.])
    """
    max_norm = float(max_norm)
    if not (max_norm > 0 and np.isfinite(max_norm)):
        raise ValueError(f"max_norm must be a positive finite float; got {max_norm!r}")

    def init(params):
        return ()

    def update(grads, state, params=None):
        n = global_norm(grads)
        if n <= max_norm or not np.isfinite(n):
            return dict(grads), state
        s = max_norm / n
        return {k: v * s for k, v in grads.items()}, state

    return Transform(init, update)


def _lr_resolver(learning_rate, groups: Mapping[str, str] | None) -> Callable[[str, int], float]:
    """Return ``(param_name, step) -> lr`` from a float, a schedule or a per-group mapping."""

    def as_sched(v, what):
        if callable(v):
            return v
        try:
            f = float(v)
        except (TypeError, ValueError):
            raise TypeError(f"{what} must be a float or a schedule (callable step -> float); got {v!r}") from None
        if not np.isfinite(f) or f < 0:
            raise ValueError(f"{what} must be a finite non-negative float; got {v!r}")
        return lambda step: f

    groups = dict(groups or {})
    if isinstance(learning_rate, Mapping):
        table = {k: as_sched(v, f"learning_rate[{k!r}]") for k, v in learning_rate.items()}

        def lr(name, step):
            key = groups.get(name, name)
            if key in table:
                return table[key](step)
            if "default" in table:
                return table["default"](step)
            raise KeyError(f"no learning rate for parameter {name!r} (group {key!r}); add it or a 'default' entry")

        return lr
    sched = as_sched(learning_rate, "learning_rate")
    return lambda name, step: sched(step)


def sgd(learning_rate, *, groups: Mapping[str, str] | None = None) -> Transform:
    """Plain gradient descent: update = -lr * g.

    Parameters
    ----------
    learning_rate : float or callable or mapping
        Rate, schedule, or mapping from parameter/group names to rates or schedules (a
        ``"default"`` entry covers the rest).
    groups : mapping of str to str, optional
        Parameter name -> group name, used to look up ``learning_rate`` when it is a mapping.

    Returns
    -------
    Transform
        State is the step count.

    Examples
    --------
    >>> opt = sgd({"a": 1.0, "default": 0.1})
    >>> p = {"a": np.ones(1), "b": np.ones(1)}
    >>> u, _ = opt.update({"a": np.ones(1), "b": np.ones(1)}, opt.init(p), p)
    >>> float(u["a"][0]), float(u["b"][0])
    (-1.0, -0.1)
    """
    lr = _lr_resolver(learning_rate, groups)

    def init(params):
        return 0

    def update(grads, step, params=None):
        return {k: -lr(k, step) * g for k, g in grads.items()}, step + 1

    return Transform(init, update)


def momentum(learning_rate, beta: float = 0.9, *, nesterov: bool = False,
             groups: Mapping[str, str] | None = None) -> Transform:
    """Heavy-ball momentum: v = beta v + g, update = -lr v (or -lr (g + beta v) with Nesterov).

    Parameters
    ----------
    learning_rate : float or callable or mapping
        As in :func:`sgd`.
    beta : float, optional
        Momentum coefficient in [0, 1).
    nesterov : bool, optional
        Use the Nesterov form.
    groups : mapping of str to str, optional
        As in :func:`sgd`.

    Returns
    -------
    Transform
        State is ``(step, velocities)``.

    Examples
    --------
    >>> opt = momentum(1.0, 0.5)
    >>> p = {"w": np.zeros(1)}
    >>> s = opt.init(p)
    >>> u, s = opt.update({"w": np.ones(1)}, s, p)
    >>> u, s = opt.update({"w": np.ones(1)}, s, p)
    >>> float(u["w"][0])
    -1.5
    """
    if not 0.0 <= beta < 1.0:
        raise ValueError(f"beta must lie in [0, 1); got {beta!r}")
    lr = _lr_resolver(learning_rate, groups)

    def init(params):
        return 0, {k: np.zeros_like(v) for k, v in params.items()}

    def update(grads, state, params=None):
        step, vel = state
        new_vel = {k: beta * vel[k] + g for k, g in grads.items()}
        if nesterov:
            ups = {k: -lr(k, step) * (g + beta * new_vel[k]) for k, g in grads.items()}
        else:
            ups = {k: -lr(k, step) * new_vel[k] for k in grads}
        return ups, (step + 1, new_vel)

    return Transform(init, update)


def adam(learning_rate, b1: float = 0.9, b2: float = 0.999, eps: float = 1e-8, *,
         groups: Mapping[str, str] | None = None) -> Transform:
    """Adam (Kingma & Ba 2015, Algorithm 1) with bias correction.

    Parameters
    ----------
    learning_rate : float or callable or mapping
        As in :func:`sgd`.
    b1, b2 : float, optional
        Decay rates of the first and second moment estimates.
    eps : float, optional
        Added to sqrt(v_hat) in the denominator.
    groups : mapping of str to str, optional
        As in :func:`sgd`.

    Returns
    -------
    Transform
        m_t = b1 m + (1 - b1) g, v_t = b2 v + (1 - b2) g^2,
        update = -lr (m_t / (1 - b1^t)) / (sqrt(v_t / (1 - b2^t)) + eps); state ``(t, m, v)``.

    Examples
    --------
    >>> opt = adam(0.1)
    >>> p = {"w": np.zeros(2)}
    >>> u, s = opt.update({"w": np.array([5.0, -1.0])}, opt.init(p), p)
    >>> np.round(u["w"], 6)
    array([-0.1, 0.1])
    """
    return _adam(learning_rate, b1, b2, eps, 0.0, None, groups)


def adamw(learning_rate, b1: float = 0.9, b2: float = 0.999, eps: float = 1e-8, weight_decay: float = 1e-4, *,
          decay_mask: Mapping[str, bool] | None = None, groups: Mapping[str, str] | None = None) -> Transform:
    """AdamW (Loshchilov & Hutter 2019): Adam plus decoupled weight decay -lr * wd * param.

    Parameters
    ----------
    learning_rate : float or callable or mapping
        As in :func:`sgd`.
    b1, b2 : float, optional
        Moment decay rates.
    eps : float, optional
        Denominator offset.
    weight_decay : float, optional
        Decoupled decay coefficient (multiplied by the learning rate, as in optax/PyTorch).
    decay_mask : mapping of str to bool, optional
        Which parameters are decayed (default: all).
    groups : mapping of str to str, optional
        As in :func:`sgd`.

    Returns
    -------
    Transform
        Requires ``params`` in ``update``.

    Examples
    --------
    >>> opt = adamw(0.1, weight_decay=0.5)
    >>> p = {"w": np.array([2.0])}
    >>> u, _ = opt.update({"w": np.array([0.0])}, opt.init(p), p)
    >>> float(u["w"][0])
    -0.1
    """
    if weight_decay < 0:
        raise ValueError(f"weight_decay must be >= 0; got {weight_decay!r}")
    return _adam(learning_rate, b1, b2, eps, float(weight_decay), decay_mask, groups)


def _adam(learning_rate, b1, b2, eps, wd, decay_mask, groups) -> Transform:
    for name, v in (("b1", b1), ("b2", b2)):
        if not 0.0 <= v < 1.0:
            raise ValueError(f"{name} must lie in [0, 1); got {v!r}")
    if not eps >= 0:
        raise ValueError(f"eps must be >= 0; got {eps!r}")
    lr = _lr_resolver(learning_rate, groups)
    mask = dict(decay_mask or {})

    def init(params):
        zeros = {k: np.zeros_like(v) for k, v in params.items()}
        return 0, zeros, {k: np.zeros(np.shape(v)) for k, v in params.items()}

    def update(grads, state, params=None):
        step, m, v = state
        t = step + 1
        c1 = 1.0 - b1**t
        c2 = 1.0 - b2**t
        new_m, new_v, ups = {}, {}, {}
        for k, g in grads.items():
            mk = b1 * m[k] + (1.0 - b1) * g
            vk = b2 * v[k] + (1.0 - b2) * (g * g)
            new_m[k], new_v[k] = mk, vk
            rate = lr(k, step)
            u = -rate * (mk / c1) / (np.sqrt(vk / c2) + eps)
            if wd and mask.get(k, True):
                if params is None:
                    raise ValueError("adamw needs params in update() for the weight decay")
                u = u - rate * wd * params[k]
            ups[k] = u
        return ups, (t, new_m, new_v)

    return Transform(init, update)
