"""Grazzi et al. (2025), "Unlocking state-tracking in linear RNNs through negative eigenvalues": parity.

A diagonal selective linear RNN (:class:`linrec.models.SelectiveRNN`) h_t = a_t * h_{t-1} + b_t
reads bits x_t in {0, 1} and must output the parity of the prefix, sum_{s <= t} x_s mod 2, at
every step. The paper's argument, in the form checked here:

- with a_t >= 0 the Jacobian dh_t/dh_{t-1} = diag(a_t) never reverses a unit's sign: with the
  input term switched off (b_t = 0) no state ever changes sign (:func:`count_sign_flips`);
- along the input 1^k (all ones, k = 0..K) every unit sees a constant gate a and input b, so
  h_k = b (1 - a^k)/(1 - a) is monotone in k (h_k - h_{k-1} = a^(k-1) b) and any linear readout
  f(k) = c_0 + sum_i c_i a_i^k is a sum of N + 1 exponentials with positive bases
  (:func:`exponential_sum`). By the generalized Descartes rule of signs it has at most as many
  real zeros as its coefficients (ordered by base) have sign changes, at most N: it cannot
  alternate on k = 0..K for K > N, i.e. it cannot be the parity of 1^k
  (:func:`readout_along_ones`, :func:`sign_changes`). The bound is tight
  (:func:`alternating_positive_model`);
- with a signed gate the transition a = 1 - 2x (a(0) = 1, a(1) = -1) gives h_t = (-1)^(sum x)
  h_{-1} exactly (:func:`signed_parity_states`), and training finds such solutions
  (:func:`parity_run`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from linrec import optim
from linrec._validation import as_float_array, as_rng, check_choice, check_nonnegative_int, check_positive_int
from linrec.models.selective_rnn import SelectiveRNN
from linrec.tasks import Batch, Parity
from linrec.train import train

__all__ = [
    "PAPER_ID",
    "parity_batch",
    "sign_changes",
    "readout_along_ones",
    "exponential_sum",
    "alternating_positive_model",
    "signed_parity_states",
    "count_sign_flips",
    "random_model",
    "parity_accuracy",
    "parity_run",
]

PAPER_ID = "gu2023_mamba"
EPS = np.finfo(float).eps


def parity_batch(rng, batch_size: int, T: int) -> Batch:
    """A batch of the parity task: i.i.d. fair bits and the prefix parity at every step.

    Parameters
    ----------
    rng : Generator or int or None
        Random source.
    batch_size : int
        Number of sequences B.
    T : int
        Sequence length.

    Returns
    -------
    Batch
        ``x`` (T, B, 1) bits in {0., 1.}, ``target`` (T, B) ints sum_{s <= t} x_s mod 2, ``mask``
        all True (every prefix counts).

    Notes
    -----
    target_t = (x_0 + ... + x_t) mod 2, the state of the two-state automaton of the group Z_2.

    References
    ----------
    R. Grazzi et al., "Unlocking state-tracking in linear RNNs through negative eigenvalues",
    ICLR 2025, Sec. 5.1 (parity).

    Examples
    --------
    >>> b = parity_batch(0, 2, 5)
    >>> bool(np.all(b.target == np.cumsum(b.x[..., 0], axis=0) % 2)), b.x.shape
    (True, (5, 2, 1))
    """
    return Parity(T).sample(rng, batch_size)


def sign_changes(f, tol=0.0) -> int:
    """Number of sign changes of a sequence, values with |f_k| <= tol skipped (counted as zeros).

    Parameters
    ----------
    f : array_like, shape (K,)
        The sequence.
    tol : float or array_like, optional
        Values at most this large in modulus (scalar or per entry, e.g. a rounding bound) are
        treated as zeros and skipped, the usual convention of Descartes' rule.

    Returns
    -------
    int
        Number of k < l with f_k f_l < 0 and f_j skipped for every k < j < l.

    Notes
    -----
    Skipping entries can only lower the count, so a count of the rounded sequence is a lower
    bound of the exact one wherever the rounding bound ``tol`` covers the rounding error.

    References
    ----------
    G. Pólya and G. Szegő, "Problems and Theorems in Analysis II", Springer (1976), Part V,
    Ch. 1 (sign changes of sequences).

    Examples
    --------
    >>> sign_changes([1.0, -2.0, 0.0, -1.0, 3.0])
    2
    >>> sign_changes([1.0, -1e-20, 1.0], tol=1e-12)
    0
    """
    f = as_float_array(f, "f", allow_complex=False, ndim=1, min_size=0)
    tol = np.broadcast_to(as_float_array(tol, "tol", allow_complex=False), f.shape)
    s = np.sign(f[np.abs(f) > tol])
    return int(np.count_nonzero(s[1:] != s[:-1]))


def readout_along_ones(model: SelectiveRNN, params, K: int, *, channels=(1, 0)) -> np.ndarray:
    """The readout f(k) = y[c1] - y[c0] after the input 1^k, k = 0..K, from h_{-1} = 0.

    Parameters
    ----------
    model : SelectiveRNN
        A model with ``input_dim == 1`` (bits as a scalar).
    params : dict of str to numpy.ndarray
        Its parameters.
    K : int
        Longest input.
    channels : tuple of int, optional
        The logit difference y[c1] - y[c0] (the decision of a 2-class readout); ``(c, None)``
        for channel c alone.

    Returns
    -------
    numpy.ndarray, shape (K + 1,)
        f(0) = d[c1] - d[c0] (no input yet: h = 0), then the readout after each of K ones.

    Notes
    -----
    With a constant input every unit has constant a = g(W_a + c_a) and b = W_b + c_b, so
    h_k = b (1 - a^k)/(1 - a) and f(k) = w^T h_k + d_1 - d_0 with w = C[c1] - C[c0]
    (see :func:`exponential_sum`).

    References
    ----------
    R. Grazzi et al., ICLR 2025, Theorem 1 (its proof: the input 1^k).

    Examples
    --------
    >>> from linrec.models import SelectiveRNN
    >>> m = SelectiveRNN(1, 2, 2)
    >>> readout_along_ones(m, m.init(0), 4).shape
    (5,)
    """
    if not isinstance(model, SelectiveRNN) or model.input_dim != 1:
        raise TypeError("model must be a SelectiveRNN with input_dim 1")
    K = check_positive_int(K, "K")
    y = model.forward(params, np.ones((K, 1, 1)))[:, 0, :]
    y = np.concatenate([np.asarray(params["d"], dtype=np.float64)[None, :], y])
    c1, c0 = channels
    return y[:, c1] - (y[:, c0] if c0 is not None else 0.0)


def exponential_sum(model: SelectiveRNN, params, *, channels=(1, 0)):
    """Bases and coefficients of f(k) = sum_j coef_j base_j^k, the readout along 1^k.

    Parameters
    ----------
    model : SelectiveRNN
        A model with ``input_dim == 1``.
    params : dict of str to numpy.ndarray
        Its parameters.
    channels : tuple of int, optional
        As in :func:`readout_along_ones`.

    Returns
    -------
    bases : numpy.ndarray, shape (N + 1,)
        1 (the constant term) and the gates a_i = g(W_a + c_a) on a 1, sorted increasingly.
    coef : numpy.ndarray, shape (N + 1,)
        The matching coefficients.

    Notes
    -----
    From h_{-1} = 0 and constant a_i, b_i = W_b + c_b:
    h_{k,i} = b_i (1 - a_i^k)/(1 - a_i), so with w = C[c1] - C[c0] and e = d[c1] - d[c0],

    .. math:: f(k) = \\Big(e + \\sum_i \\frac{w_i b_i}{1 - a_i}\\Big) \\cdot 1^k
              - \\sum_i \\frac{w_i b_i}{1 - a_i} a_i^k .

    For positive bases the generalized Descartes rule bounds the real zeros of f (and hence the
    sign changes of f(0), ..., f(K)) by the sign changes of ``coef`` ordered by base, at most N.

    References
    ----------
    G. Pólya and G. Szegő, "Problems and Theorems in Analysis II", Springer (1976), Part V,
    Problem 75 (Descartes' rule for exponential sums / Dirichlet series).
    R. Grazzi et al., ICLR 2025, Theorem 1.

    Examples
    --------
    >>> from linrec.models import SelectiveRNN
    >>> m = SelectiveRNN(1, 3, 2)
    >>> p = m.init(0)
    >>> lam, c = exponential_sum(m, p)
    >>> k = np.arange(6)
    >>> bool(np.allclose((c * lam ** k[:, None]).sum(1), readout_along_ones(m, p, 5)))
    True
    """
    if not isinstance(model, SelectiveRNN) or model.input_dim != 1:
        raise TypeError("model must be a SelectiveRNN with input_dim 1")
    one = np.ones((1, 1, 1))
    a = model.gates(params, one)[0, 0]
    b = params["Wb"][:, 0] + params["cb"]
    c1, c0 = channels
    w = params["C"][c1] - (params["C"][c0] if c0 is not None else 0.0)
    e = params["d"][c1] - (params["d"][c0] if c0 is not None else 0.0)
    r = w * b / (1.0 - a)
    bases = np.concatenate([[1.0], a])
    coef = np.concatenate([[e + r.sum()], -r])
    order = np.argsort(bases, kind="stable")
    return bases[order], coef[order]


def random_model(rng, hidden: int, *, gate: str = "positive", scale: float = 3.0):
    """A SelectiveRNN(1, hidden, 2) with every parameter drawn N(0, scale^2) (an ensemble member).

    Parameters
    ----------
    rng : Generator or int or None
        Random source.
    hidden : int
        State size N.
    gate : {"positive", "signed"}, optional
        Gate range.
    scale : float, optional
        Standard deviation of every parameter (large: gates spread over their whole range).

    Returns
    -------
    model : SelectiveRNN
        The model.
    params : dict of str to numpy.ndarray
        Its parameters.

    Examples
    --------
    >>> m, p = random_model(0, 4)
    >>> m.gate, p["Wa"].shape
    ('positive', (4, 1))
    """
    g = as_rng(rng)
    m = SelectiveRNN(1, hidden, 2, gate=gate)
    p = {k: scale * g.standard_normal(v.shape) for k, v in m.init(0).items()}
    return m, p


def alternating_positive_model(bases, *, gate: str = "positive"):
    """A positive-gate model whose readout along 1^k follows the parity of k on k = 0..N (N = len(bases)).

    Parameters
    ----------
    bases : array_like, shape (N,)
        Distinct gates a_i in (0, 1) on a 1 (c_a = 0, W_a = logit(a_i)); b_i = 1.
    gate : {"positive"}, optional
        Only ``"positive"`` (kept for symmetry with :class:`SelectiveRNN`).

    Returns
    -------
    model : SelectiveRNN
        SelectiveRNN(1, N, 2).
    params : dict of str to numpy.ndarray
        Parameters with f(k) = (-1)^(k+1) for k = 0..N (logit difference of channels 1 and 0:
        the correct parity decision for k <= N).

    Notes
    -----
    Solves the (N + 1) x (N + 1) Vandermonde system sum_j coef_j base_j^k = (-1)^(k+1),
    k = 0..N, bases (1, a_1, ..., a_N), for the exponential sum of :func:`exponential_sum`, and
    maps coef back to C[1] (C[0] = 0, d = (0, e)). It shows that the bound of N sign changes is
    attained; by the same bound f cannot change sign again for k > N.

    References
    ----------
    R. Grazzi et al., ICLR 2025, Theorem 1 (why positive diagonal transitions fail on parity).

    Examples
    --------
    >>> m, p = alternating_positive_model([0.2, 0.5, 0.8])
    >>> np.round(readout_along_ones(m, p, 3), 8)
    array([-1.,  1., -1.,  1.])
    """
    check_choice(gate, "gate", ("positive",))
    a = as_float_array(bases, "bases", allow_complex=False, ndim=1)
    if np.any(a <= 0) or np.any(a >= 1) or len(np.unique(a)) != len(a):
        raise ValueError("bases must be distinct values in (0, 1)")
    N = len(a)
    lam = np.concatenate([[1.0], a])
    k = np.arange(N + 1)
    coef = np.linalg.solve(lam[None, :] ** k[:, None], -((-1.0) ** k))
    m = SelectiveRNN(1, N, 2, gate="positive")
    r = -coef[1:]  # r_i = w_i b_i / (1 - a_i) with b_i = 1
    w = r * (1.0 - a)
    p = {"Wa": np.log(a / (1.0 - a))[:, None], "ca": np.zeros(N), "Wb": np.ones((N, 1)), "cb": np.zeros(N),
         "C": np.stack([np.zeros(N), w]), "d": np.array([0.0, coef[0] - r.sum()])}
    return m, p


def signed_parity_states(x, h0=1.0) -> np.ndarray:
    """States of h_t = (1 - 2 x_t) h_{t-1} (the signed gate's exact parity solution).

    Parameters
    ----------
    x : array_like of {0, 1}, shape (T, ...)
        Bits.
    h0 : float or array_like, optional
        Initial state (default 1).

    Returns
    -------
    numpy.ndarray, shape x.shape
        h_t = (-1)^(x_0 + ... + x_t) h0, exactly in floating point (multiplications by +-1).

    Notes
    -----
    a(x) = 1 - 2x is a(0) = 1, a(1) = -1: the transition of the parity automaton on the
    eigenvector of the 2-cycle with eigenvalue -1; it needs the signed range [-1, 1].

    References
    ----------
    R. Grazzi et al., ICLR 2025, Sec. 4 (extending the eigenvalue range to [-1, 1]).

    Examples
    --------
    >>> signed_parity_states(np.array([1, 0, 1, 1.0])).tolist()
    [-1.0, -1.0, 1.0, -1.0]
    """
    from linrec.scan import linear_scan

    x = as_float_array(x, "x", allow_complex=False)
    if not np.all((x == 0) | (x == 1)):
        raise ValueError("x must contain only 0 and 1")
    return linear_scan(1.0 - 2.0 * x, np.zeros_like(x), h0, method="sequential")


def count_sign_flips(model: SelectiveRNN, params, x, h0) -> np.ndarray:
    """Number of sign changes of every unit's state along the sequence, input term switched off.

    Parameters
    ----------
    model : SelectiveRNN
        The model.
    params : dict of str to numpy.ndarray
        Its parameters (``Wb`` and ``cb`` are replaced by zeros: b_t = 0).
    x : array_like, shape (T, B, d_in)
        Inputs (they act through the gates only).
    h0 : array_like, shape (B, N)
        Initial state (nonzero entries).

    Returns
    -------
    flips : numpy.ndarray of int, shape (B, N)
        Sign changes of (h0, h_0, ..., h_{T-1}) per unit.
    negative : numpy.ndarray of int, shape (B, N)
        Steps with a_t < 0 per unit (the predicted count: h_t = a_t h_{t-1}).

    Notes
    -----
    With b_t = 0, h_t = a_t h_{t-1}, so sign(h_t) = sign(a_t) sign(h_{t-1}): the state changes sign
    exactly at the steps with a_t < 0, never for a positive gate (dh_t/dh_{t-1} = a_t > 0).

    References
    ----------
    R. Grazzi et al., ICLR 2025, Sec. 4 (positive eigenvalues cannot flip the state).

    Examples
    --------
    >>> m, p = random_model(0, 3, gate="signed")
    >>> x = np.random.default_rng(1).integers(0, 2, (20, 2, 1)).astype(float)
    >>> flips, neg = count_sign_flips(m, p, x, np.ones((2, 3)))
    >>> bool(np.all(flips == neg))
    True
    """
    q = dict(params)
    q["Wb"] = np.zeros_like(params["Wb"])
    q["cb"] = np.zeros_like(params["cb"])
    h0 = as_float_array(h0, "h0", allow_complex=False, ndim=2)
    _, h = model.forward(q, x, h0, return_states=True)
    seq = np.concatenate([h0[None], h])
    s = np.sign(seq)
    flips = np.count_nonzero(s[1:] != s[:-1], axis=0)
    negative = np.count_nonzero(model.gates(q, x) < 0, axis=0)
    return flips, negative


def parity_accuracy(model: SelectiveRNN, params, batch: Batch) -> np.ndarray:
    """Accuracy at every position t (prefix length t + 1) over a batch.

    Parameters
    ----------
    model : SelectiveRNN
        Model with two outputs (logits of parity 0 and 1).
    params : dict of str to numpy.ndarray
        Its parameters.
    batch : Batch
        From :func:`parity_batch`.

    Returns
    -------
    numpy.ndarray, shape (T,)
        Fraction of sequences whose argmax logit at step t is the parity of x_0..x_t.

    Examples
    --------
    >>> m = SelectiveRNN(1, 2, 2)
    >>> parity_accuracy(m, m.init(0), parity_batch(0, 8, 5)).shape
    (5,)
    """
    y = model.forward(params, batch.x)
    return np.mean(np.argmax(y, axis=2) == batch.target, axis=1)


_DEFAULTS = {"gate": "signed", "hidden": 4, "T_train": 10, "T_test": 100, "steps": 400, "lr": 0.1,
             "batch_size": 32, "eval_batch": 512, "eval_every": 0, "clip": 1.0}


def parity_run(config: Mapping[str, Any], rng=None) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """Train a SelectiveRNN(1, hidden, 2) on parity of length T_train; test up to length T_test.

    Parameters
    ----------
    config : mapping
        ``gate`` ("positive"/"signed"), ``hidden`` (N), ``T_train``, ``T_test`` (length of the
        held-out sequences; accuracy is reported at every prefix length 1..T_test), ``steps``,
        ``lr`` (Adam, cosine decay to 0), ``batch_size``, ``eval_batch``, ``eval_every`` (0:
        only at the end), ``clip`` (global-norm clipping, 0: none). Defaults: signed, N = 4,
        T_train = 10, T_test = 100, 400 steps, lr 0.1, batch 32, eval batch 512, clip 1.
    rng : Generator or int or None, optional
        Weights, held-out batch, then training data, in that order.

    Returns
    -------
    arrays : dict of numpy.ndarray
        ``loss`` (steps,) training cross-entropy, ``accuracy`` (T_test,) final held-out accuracy
        at each prefix length, ``eval_steps`` and ``eval_accuracy`` (evals, T_test),
        ``gates`` (2, N): a(0) and a(1) of the final model; ``param/<name>`` its parameters.
    meta : dict
        ``acc_train`` (mean accuracy over prefix lengths 1..T_train), ``acc_test`` (mean over
        lengths T_train+1..T_test, NaN when T_test <= T_train), ``final_loss``, ``config``.

    Notes
    -----
    Loss: mean cross-entropy of the parity at every step (all prefixes of length <= T_train);
    Adam (Kingma & Ba) with cosine decay, fresh batches every step, trained by
    :func:`linrec.train.train` (the held-out accuracy per length is recorded by its callback).

    References
    ----------
    R. Grazzi et al., ICLR 2025, Sec. 5.1 (parity; train on short, test on long sequences).

    Examples
    --------
    >>> a, m = parity_run({"steps": 5, "T_test": 12}, rng=0)
    >>> a["accuracy"].shape, a["loss"].shape
    ((12,), (5,))
    """
    unknown = set(config) - set(_DEFAULTS)
    if unknown:
        raise ValueError(f"config has unknown keys {sorted(unknown)}")
    cfg = {**_DEFAULTS, **config}
    gate = check_choice(cfg["gate"], "config['gate']", ("positive", "signed"))
    N = check_positive_int(cfg["hidden"], "config['hidden']")
    T_train = check_positive_int(cfg["T_train"], "config['T_train']")
    T_test = check_positive_int(cfg["T_test"], "config['T_test']")
    steps = check_positive_int(cfg["steps"], "config['steps']")
    B = check_positive_int(cfg["batch_size"], "config['batch_size']")
    every = check_nonnegative_int(cfg["eval_every"], "config['eval_every']")
    lr = float(cfg["lr"])
    if not lr > 0:
        raise ValueError(f"config['lr'] must be > 0; got {cfg['lr']!r}")
    model = SelectiveRNN(1, N, 2, gate=gate)
    g = as_rng(rng)
    params = model.init(g)
    held = Parity(T_test).sample(np.random.default_rng(int(g.integers(2**63))), int(cfg["eval_batch"]))
    opt = optim.adam(optim.cosine_decay(lr, steps))
    if cfg["clip"]:
        opt = optim.chain(optim.clip_by_global_norm(float(cfg["clip"])), opt)
    ev_steps, ev_acc = ([0], [parity_accuracy(model, params, held)]) if every else ([], [])

    def record(step, p, L):  # accuracy per held-out length, after the updates of steps every, 2 every, ...
        if every and (step + 1) % every == 0 and step + 1 < steps:
            ev_steps.append(step + 1)
            ev_acc.append(parity_accuracy(model, p, held))

    hist = train(model, Parity(T_train), opt, steps=steps, batch_size=B, rng=g, params=params, callback=record)
    params, loss = hist.params, hist.loss
    acc = parity_accuracy(model, params, held)
    ev_steps.append(steps)
    ev_acc.append(acc)
    gates = model.gates(params, np.array([[[0.0]], [[1.0]]]))[:, 0, :]
    arrays = {"loss": loss, "accuracy": acc, "eval_steps": np.asarray(ev_steps, dtype=np.int64),
              "eval_accuracy": np.asarray(ev_acc), "gates": gates, **{f"param/{k}": v for k, v in params.items()}}
    meta = {"acc_train": float(acc[:T_train].mean()),
            "acc_test": float(acc[T_train:].mean()) if T_test > T_train else float("nan"),
            "final_loss": float(np.mean(loss[-max(1, steps // 10):])), "config": cfg}
    return arrays, meta
