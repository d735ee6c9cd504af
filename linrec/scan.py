r"""The linear recurrence :math:`h_t = a_t \odot h_{t-1} + b_t` (the lowest numeric layer).

Every linear recurrent model (diagonal SSMs, LRU, minGRU/minLSTM, S4D after diagonalisation)
runs the elementwise first-order recurrence

.. math:: h_t = a_t \odot h_{t-1} + b_t, \qquad t = 0, \dots, T-1, \qquad h_{-1} = h_0,

with time along axis 0. This module computes it forward (:func:`linear_scan`), backward
(:func:`reverse_linear_scan`) and differentiates it exactly (:func:`linear_scan_vjp`).

Methods (``method=``)
---------------------
``"sequential"``
    The recurrence as written, one vectorised step per time index (the reference).
``"lfilter"``
    Time-invariant ``a`` only: :func:`scipy.signal.lfilter` with ``b=[1], a=[1, -a]`` and
    initial condition ``zi = a h_0``, one call per distinct value of ``a``.
``"chunked"``
    Two-level scan with O(T) work. The time axis is cut into chunks of ``L = 32`` steps,
    processed in blocks of about 4 MB per array; in each block (1) every chunk's end state from
    a zero start and its product of gates, for all chunks of the block at once (``L``
    vectorised steps over ``chunks x width`` values); (2) the states at the chunk ends by the
    recurrence over chunks (gate: chunk product; input: chunk-local end state), itself computed
    by this method when the block has 64 chunks or more; (3) the recurrence inside every chunk
    again, from the correct entering state, while the block's ``a`` and ``b`` are still in
    cache. ``L`` is shortened (a priori for time-invariant gates, block by block otherwise)
    until no chunk product of gates underflows or overflows.
``"tree"``
    Odd/even (work-efficient) parallel prefix scan with the associative
    operator :math:`(a_2, b_2) \circ (a_1, b_1) = (a_2 a_1, a_2 b_1 + b_2)`, ``ceil(log2 T)``
    levels. A reference for equivalence tests and for teaching how parallel hardware scans.
``"log"``
    Heinsen's log-space scan for positive ``a`` and non-negative ``b``, ``h0``:
    :math:`\log h_t = a^*_t + \operatorname{logcumsumexp}_{j \le t}(\log b_j - a^*_j)` with
    :math:`a^*_t = \sum_{k \le t} \log a_k`, restarted every chunk (see :func:`linear_scan`
    for its error bound). This is the parallel scan used by minGRU/minLSTM (Feng et al. 2024).
``"auto"``
    Chooses from the structure and shape of the input alone (never from its values):
    ``"sequential"`` when one time step holds at least 6144 bytes (time-varying gates) or 12288
    bytes (time-invariant gates), or ``T < 64``; otherwise ``"chunked"``
    (:func:`select_method`). The rule comes from ``bench/bench_scan.py`` on a 2-core x86
    machine with single-threaded BLAS; see ``papers/feng2024_minrnn/README.md``.

The global closed form ``h_t = (prod a)_t * cumsum(b / prod a)`` is never used: the cumulative
product underflows (or overflows) after a few hundred steps of realistic gates.

Accuracy contract
-----------------
Let :math:`S_t` be the same recurrence run on :math:`|a|, |b|, |h_0|` and :math:`u` the unit
roundoff (``eps/2``). Writing :math:`h_t` as the sum of its terms
:math:`(\prod_{k=j+1}^{t} a_k) b_j` (and :math:`(\prod_{k=0}^{t} a_k) h_0`), every method
except ``"log"`` computes each term with at most :math:`m_t` roundings, so (Higham 2002, Lemma
3.1 and Sec. 3.6 for complex products)

.. math:: |\hat h_t - h_t| \le c\,\gamma_{m_t} S_t, \qquad \gamma_m = \frac{m u}{1 - m u},

with :math:`c = 1` for real and :math:`c = 2\sqrt2` for complex data (a complex product has
relative error at most :math:`\sqrt2\gamma_2`), and

* ``sequential``, ``lfilter``, ``chunked``: :math:`m_t = 2(t+1)` (one product and one sum per
  step; the chunked method routes a term from an earlier chunk through chunk products of
  ``L - 1`` roundings plus one product and one sum per chunk, ``L + 1 <= 2L`` roundings where
  the direct path has ``2L``; applied recursively to the chunk-level recurrence the count per
  step stays at most 2);
* ``tree``: :math:`m_t = (t + 1) + 4\lceil\log_2 T\rceil + 2` (the gate product of a term is
  formed with one rounding per factor; each of the ``ceil(log2 T)`` levels adds at most one
  product and one sum on the way up and on the way down; folding ``h0`` into ``b_0`` adds 2).

For real data that is :math:`|\hat h_t - h_t| \lesssim (t+1)\,\varepsilon\, S_t`: the
:math:`\kappa` of the contract is :math:`t + 1` (in units of machine epsilon), a worst case
that the measured errors (which grow like :math:`\sqrt t` in practice) stay far below.
``tests/test_scan_accuracy.py`` checks it against an exact rational reference (``fractions``) and
mpmath.

References
----------
.. [1] G. E. Blelloch, "Prefix sums and their applications", CMU-CS-90-190 (1990), Sec. 1.4
   (first-order linear recurrences as a scan).
.. [2] F. A. Heinsen, "Efficient parallelization of a ubiquitous sequential computation",
   arXiv:2311.06281 (2023), Eq. (2)-(3).
.. [3] L. Feng, F. Tung, M. O. Ahmed, Y. Bengio and H. Hajimirsadeghi, "Were RNNs all we
   needed?", arXiv:2410.01201 (2024), Sec. 3 and Appendix B (log-space parallel scan).
.. [4] N. J. Higham, "Accuracy and Stability of Numerical Algorithms", 2nd ed., SIAM (2002),
   Lemma 3.1, Sec. 3.6.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from linrec._validation import LinrecWarning

__all__ = [
    "METHODS",
    "linear_scan",
    "reverse_linear_scan",
    "linear_scan_vjp",
    "rounding_bound",
    "log_scan_error_bound",
    "exact_linear_scan",
    "select_method",
]

_NOT_A_FORMULA = ("select_method",)

METHODS = ("auto", "sequential", "lfilter", "chunked", "tree", "log")

# auto: "sequential" once a time step holds this many bytes (768 float64 or 384 complex128
# channels) for time-varying gates, twice as many for time-invariant gates (whose chunked scan
# streams one array fewer): measured crossovers in bench/bench_scan.py and
# papers/feng2024_minrnn/README.md
_AUTO_SEQUENTIAL_BYTES = 6144


# --------------------------------------------------------------------------------------------
# validation
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Prepared:
    a: np.ndarray  # (N,) time-invariant or (T, N) time-varying
    b: np.ndarray  # (T, N)
    h0: np.ndarray  # (N,)
    invariant: bool
    state_shape: tuple[int, ...]
    dtype: np.dtype
    init_name: str = "h0"


def _as_numeric(x: Any, name: str, finite: bool = True) -> np.ndarray:
    """Array of a float or complex dtype; integers, booleans and objects are rejected."""
    if isinstance(x, (bool, np.bool_)):
        raise TypeError(f"{name} must be a float or complex array; got a bool")
    try:
        arr = np.asarray(x)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{name} must be a numeric array; got {type(x).__name__}: {exc}") from exc
    kind = arr.dtype.kind
    if kind in "iu":
        raise TypeError(
            f"{name} must have a float or complex dtype; got {arr.dtype} "
            f"(integers are rejected rather than silently cast: pass np.asarray({name}, float))"
        )
    if kind not in "fc":
        raise TypeError(f"{name} must have a float or complex dtype; got {arr.dtype}")
    if finite and not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite; it contains NaN or infinity")
    return arr


def _work_dtype(dtype: Any, is_complex: bool) -> np.dtype:
    if dtype is None:
        real = np.dtype(np.float64)
    else:
        try:
            real = np.dtype(dtype)
        except TypeError as exc:
            raise TypeError(f"dtype must be None, float64 or float32; got {dtype!r}") from exc
        if real not in (np.dtype(np.float64), np.dtype(np.float32)):
            raise TypeError(f"dtype must be None, float64 or float32; got {dtype!r}")
    if is_complex:
        return np.dtype(np.complex128 if real == np.float64 else np.complex64)
    return real


def _prepare(a: Any, b: Any, h0: Any, dtype: Any, init_name: str = "h0", defer_finite: bool = False) -> _Prepared:
    # defer_finite: NaN/inf in b or a time-varying a are detected after the scan from the last
    # state (a non-finite input makes every later state non-finite), saving two passes
    b_arr = _as_numeric(b, "b", finite=not defer_finite)
    a_arr = _as_numeric(a, "a", finite=False)
    if not defer_finite or a_arr.ndim < b_arr.ndim:
        _as_numeric(a_arr, "a")
    h0_arr = None if h0 is None else _as_numeric(h0, init_name)
    if b_arr.ndim < 1:
        raise ValueError("b must have at least one dimension (time along axis 0); got a scalar")
    T = b_arr.shape[0]
    if T == 0:
        raise ValueError(f"b must have a non-empty time axis (axis 0); got shape {b_arr.shape}")
    S = b_arr.shape[1:]
    is_complex = any(x is not None and x.dtype.kind == "c" for x in (a_arr, b_arr, h0_arr))
    wd = _work_dtype(dtype, is_complex)
    N = math.prod(S)
    if a_arr.ndim > b_arr.ndim:
        raise ValueError(f"a must be broadcastable to b's shape {b_arr.shape}; got shape {a_arr.shape}")
    if a_arr.ndim == b_arr.ndim:
        try:
            shape = np.broadcast_shapes(a_arr.shape, b_arr.shape)
        except ValueError:
            shape = None
        if shape != b_arr.shape:
            raise ValueError(
                f"a (time-varying, same ndim as b) must be broadcastable to b's shape {b_arr.shape}; "
                f"got shape {a_arr.shape}"
            )
        invariant = a_arr.shape[0] == 1
        if invariant:
            a_arr = a_arr[0]
    else:
        invariant = True
    if invariant:
        try:
            shape = np.broadcast_shapes(a_arr.shape, S)
        except ValueError:
            shape = None
        if shape != S:
            raise ValueError(
                f"a (time-invariant, fewer dimensions than b) must be broadcastable to the state shape "
                f"{S} = b.shape[1:]; got shape {a_arr.shape} (for a gate per time step give a the "
                f"same number of dimensions as b)"
            )
        a2 = np.broadcast_to(a_arr, S).reshape(N).astype(wd, copy=False)
    else:
        a2 = np.broadcast_to(a_arr, b_arr.shape).reshape(T, N).astype(wd, copy=False)
    if h0_arr is None:
        h02 = np.zeros(N, dtype=wd)
    else:
        try:
            shape = np.broadcast_shapes(h0_arr.shape, S)
        except ValueError:
            shape = None
        if shape != S:
            raise ValueError(
                f"{init_name} must be broadcastable to the state shape {S} = b.shape[1:]; got shape {h0_arr.shape}"
            )
        h02 = np.broadcast_to(h0_arr, S).reshape(N).astype(wd, copy=True)
    b2 = b_arr.reshape(T, N).astype(wd, copy=False)
    return _Prepared(a2, b2, h02, invariant, S, wd, init_name)


def select_method(T: int, width: int, time_invariant: bool, dtype: Any = np.float64) -> str:
    """The method ``method="auto"`` uses for a given structure and shape.

    Parameters
    ----------
    T : int
        Length of the time axis.
    width : int
        Number of independent channels (``prod(b.shape[1:])``).
    time_invariant : bool
        Whether ``a`` is the same at every step.
    dtype : dtype, optional
        Working dtype (float64, complex128, float32 or complex64).

    Returns
    -------
    str
        ``"sequential"`` when one time step holds at least 6144 bytes for time-varying gates
        (768 float64 or 384 complex128 channels) or 12288 bytes for time-invariant gates (1536
        float64 or 768 complex128 channels), or when the sequence is shorter than two chunks
        (``T < 64``); otherwise ``"chunked"``. A wide step amortises the per-step overhead of
        the vectorised step loop, which then streams the data once; narrow steps are dominated
        by that overhead and the chunked method, whose vectorised operations span many chunks,
        wins (by 2-15x at width 64). With time-invariant gates the chunked method streams one
        array fewer, which moves the crossover to wider steps. It does not depend on ``T``
        (both methods are O(T) per channel); ``"lfilter"`` (one compiled filter per distinct
        gate) is slower than ``"chunked"`` at every benchmarked shape.

    Examples
    --------
    >>> select_method(1_000_000, 64, True)
    'chunked'
    >>> select_method(4096, 4096, False)
    'sequential'
    >>> select_method(4096, 512, False, np.complex128)
    'sequential'
    """
    step_bytes = width * np.dtype(dtype).itemsize
    threshold = _AUTO_SEQUENTIAL_BYTES * (2 if time_invariant else 1)
    if T < 2 * _CHUNK or step_bytes >= threshold:
        return "sequential"
    return "chunked"


# --------------------------------------------------------------------------------------------
# kernels: a (N,) or (T, N), b (T, N), h0 (N,), out (T, N) written in place
# --------------------------------------------------------------------------------------------


def _kernel_sequential(a, b, h0, invariant, out):
    prev = h0
    T = b.shape[0]
    for t in range(T):
        at = a if invariant else a[t]
        np.multiply(at, prev, out=out[t])
        np.add(out[t], b[t], out=out[t])
        prev = out[t]


def _kernel_lfilter(a, b, h0, invariant, out):
    from scipy.signal import lfilter

    if not invariant:
        raise ValueError("method='lfilter' needs a time-invariant a (shape broadcastable to b.shape[1:])")
    values, inverse = np.unique(a, return_inverse=True)
    for k, lam in enumerate(values):
        idx = np.flatnonzero(inverse == k)
        den = np.array([1.0, -lam], dtype=out.dtype)
        num = np.array([1.0], dtype=out.dtype)
        zi = (lam * h0[idx])[None, :].astype(out.dtype)
        if idx.size == out.shape[1]:
            y, _ = lfilter(num, den, b, axis=0, zi=zi)
            out[...] = y
        else:
            y, _ = lfilter(num, den, b[:, idx], axis=0, zi=zi)
            out[:, idx] = y


def _safe_chunk_length(absmin_nonzero: float, absmax: float, target: int, dtype: np.dtype) -> int:
    """Largest L <= target with absmin**L >= tiny and absmax**L <= max (no under/overflow)."""
    fi = np.finfo(dtype)
    L = float(target)
    if 0.0 < absmin_nonzero < 1.0:
        L = min(L, math.log(float(fi.tiny)) / math.log(absmin_nonzero))
    if absmax > 1.0:
        L = min(L, math.log(float(fi.max)) / math.log(absmax))
    return max(1, int(math.floor(L)))


def _abs_range(a: np.ndarray) -> tuple[float, float]:
    absa = np.abs(a)
    nz = absa[absa > 0]
    return (float(nz.min()) if nz.size else 0.0), (float(absa.max()) if absa.size else 0.0)


# Chunk length and block size of the chunked method (measured on the benchmark machine, see
# bench/bench_scan.py): chunks of 32 steps, processed in blocks of about 4 MB per array so that a
# block's a, b and h are still in cache when the second pass over the block runs.
_CHUNK = 32
_BLOCK_BYTES = 1 << 22


def _kernel_chunked(a, b, h0, invariant, out, L=None):
    T, N = b.shape
    dt = out.dtype
    if L is None:
        L = _CHUNK
    if invariant:
        L = _safe_chunk_length(*_abs_range(a), L, dt)
    L = min(L, T)
    if L < 2 or T < 2 * L:
        _kernel_sequential(a, b, h0, invariant, out)
        return
    G = max(2, _BLOCK_BYTES // (dt.itemsize * L * max(N, 1)))
    K = G * L
    if T <= K:
        # one block: the data is cache-sized anyway; no copies, no scratch (new buffers cost
        # page faults at every call)
        _chunked_block(a, b, h0, invariant, out, 0, T, L)
        return
    # one scratch buffer reused by every block (allocating it per block costs page faults)
    scratch = np.empty(K * N, dtype=dt)
    carry = h0
    for s0 in range(0, T, K):
        carry = _chunked_block(a, b, carry, invariant, out, s0, min(T, s0 + K), L, scratch)


def _scratch(buf, shape, dt):
    n = math.prod(shape)
    if buf is None or buf.size < n:
        return np.empty(shape, dtype=dt)
    return buf[:n].reshape(shape)


def _chunked_block(a, b, carry, invariant, out, s0, s1, L, scratch=None):
    """Chunked scan of steps s0..s1-1 from the state ``carry``; returns the last state.

    ``scratch``: a buffer of at least one block of ``b``, or None to work on ``b`` in place
    (a single block, small enough to be in cache already).
    """
    N = b.shape[1]
    dt = out.dtype
    G = (s1 - s0) // L
    if G < 2 or L < 2:
        _kernel_sequential(a if invariant else a[s0:s1], b[s0:s1], carry, invariant, out[s0:s1])
        return out[s1 - 1]
    e = s0 + G * L
    ac = None if invariant else a[s0:e].reshape(G, L, N)
    if not invariant:
        # chunk products first: one reduction that streams the block of a contiguously into
        # cache (the strided passes below then hit cache; 15% faster than the reverse order)
        prod = np.multiply.reduce(ac, axis=1)
        absp = np.abs(prod)
        bad = np.any((absp < np.finfo(dt).tiny) & (absp > 0)) or not np.all(np.isfinite(absp))
        if bad and np.all(np.isfinite(a[s0:e])):
            # a chunk product under- or overflowed: shorter chunks for this block
            L2 = min(_safe_chunk_length(*_abs_range(a[s0:e]), L, dt), L // 2)
            return _chunked_block(a, b, carry, invariant, out, s0, s1, L2, scratch)
    if scratch is None:
        bc = b[s0:e].reshape(G, L, N)
    else:
        # the block of b, copied contiguously (streams it into cache for the two strided passes)
        bc = _scratch(scratch, (G, L, N), dt)
        np.copyto(bc, b[s0:e].reshape(G, L, N))
    # (1) chunk-local end states from a zero start (and, time-invariant, the chunk product a^L)
    acc = bc[:, 0].copy()
    if invariant:
        for i in range(1, L):
            np.multiply(acc, a, out=acc)
            np.add(acc, bc[:, i], out=acc)
        prod = a.copy()
        for _ in range(L - 1):
            np.multiply(prod, a, out=prod)
    else:
        for i in range(1, L):
            np.multiply(acc, ac[:, i], out=acc)
            np.add(acc, bc[:, i], out=acc)
    # (2) the states at the chunk ends: the same recurrence over chunks (gate = chunk product,
    #     input = chunk-local end state)
    #     (by this method again when there are many chunks: ~3 sqrt(G) vectorised calls instead
    #     of 2G; the rounding count per step stays <= 2, see the module docstring)
    ends = np.empty((G, N), dtype=dt)
    if G >= 64:
        _kernel_chunked(prod, acc, carry, invariant, ends, L=int(math.isqrt(G)))
    else:
        _kernel_sequential(prod, acc, carry, invariant, ends)
    # (3) the recurrence inside every chunk from the state entering it (a, b still in cache)
    #     (hc must be a view of out: the writes below are the result. Splitting the time axis
    #     of a (T, N) array into (G, L) is a view for any strides of out, so a plain reshape
    #     never copies here; reshape(copy=False) would need numpy >= 2.1)
    hc = out[s0:e].reshape(G, L, N)
    tmp = np.empty((G, N), dtype=dt)
    np.multiply(a if invariant else ac[1:, 0], ends[:-1], out=tmp[1:])
    np.multiply(a if invariant else ac[0, 0], carry, out=tmp[0])
    np.add(tmp, bc[:, 0], out=hc[:, 0])
    for i in range(1, L):
        np.multiply(a if invariant else ac[:, i], hc[:, i - 1], out=tmp)
        np.add(tmp, bc[:, i], out=hc[:, i])
    if e < s1:
        _kernel_sequential(a if invariant else a[e:s1], b[e:s1], out[e - 1], invariant, out[e:s1])
    return out[s1 - 1]


def _oddeven(a, b, out):
    T = b.shape[0]
    out[0] = b[0]
    if T == 1:
        return
    m = T // 2
    a_odd = a[1:2 * m:2]
    a2 = a_odd * a[0:2 * m:2]
    b2 = a_odd * b[0:2 * m:2]
    b2 += b[1:2 * m:2]
    _oddeven(a2, b2, out[1:2 * m:2])
    n_ev = (T - 1) // 2  # even indices 2, 4, ... < T
    if n_ev:
        ev = out[2:2 * n_ev + 1:2]
        np.multiply(a[2:2 * n_ev + 1:2], out[1:2 * n_ev:2], out=ev)
        ev += b[2:2 * n_ev + 1:2]


def _kernel_tree(a, b, h0, invariant, out):
    T, N = b.shape
    af = np.broadcast_to(a, (T, N)) if invariant else a
    bb = np.array(b, dtype=out.dtype, copy=True)
    bb[0] = af[0] * h0 + b[0]
    with np.errstate(over="raise", invalid="raise"):
        try:
            _oddeven(af, bb, out)
        except FloatingPointError as exc:
            raise ValueError(
                "method='tree' overflowed forming products of gates over long spans (|a| > 1); "
                "use method='chunked' or 'sequential'"
            ) from exc


def _log_chunk(T: int) -> int:
    return max(16, min(1024, int(round(math.sqrt(T)))))


def _log_pieces(a, b, h0, invariant):
    """Log-space inputs, padded to C*L steps: la, lb (C, L, N), lh0 (N,)."""
    T, N = b.shape
    L = min(_log_chunk(T), T)
    C = -(-T // L)
    dt = b.dtype
    la = np.zeros((C * L, N), dtype=dt)
    lb = np.full((C * L, N), -np.inf, dtype=dt)
    with np.errstate(divide="ignore"):
        la[:T] = np.log(a)
        np.log(b, out=lb[:T])
        lh0 = np.log(h0)
    return la.reshape(C, L, N), lb.reshape(C, L, N), lh0, T


def _kernel_log(a, b, h0, invariant, out):
    la, lb, lh0, T = _log_pieces(a, b, h0, invariant)
    C, L, N = la.shape
    A = np.cumsum(la, axis=1)  # a*_i restarted in every chunk
    x = lb - A
    # running log-sum-exp inside each chunk; a loop over the L positions, vectorised over chunks
    # and channels, is 2-3x faster than np.logaddexp.accumulate (which goes element by element)
    s = np.empty_like(x)
    s[:, 0] = x[:, 0]
    for i in range(1, L):
        np.logaddexp(s[:, i - 1], x[:, i], out=s[:, i])
    lloc = A + s  # log of the chunk-local scan from a zero start
    lcar = np.empty((C, N), dtype=la.dtype)
    c = lh0
    for k in range(C):
        lcar[k] = c
        c = np.logaddexp(A[k, -1] + c, lloc[k, -1])
    lh = np.logaddexp(A + lcar[:, None, :], lloc)
    np.exp(lh.reshape(C * L, N)[:T], out=out)


_KERNELS = {
    "sequential": _kernel_sequential,
    "lfilter": _kernel_lfilter,
    "chunked": _kernel_chunked,
    "tree": _kernel_tree,
    "log": _kernel_log,
}


def _check_method(method: Any) -> str:
    if not isinstance(method, str) or method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(map(repr, METHODS))}; got {method!r}")
    return method


def _run(p: _Prepared, method: str, out: np.ndarray, fresh: bool = False) -> None:
    # fresh: ``out`` was just allocated here (its pages not yet touched)
    T, N = p.b.shape
    if method == "auto":
        method = select_method(T, N, p.invariant, p.dtype)
    if fresh and out.nbytes >= 1 << 26:
        # fault the pages of a new output in one sweep before the scan: first-touch page faults
        # taken in the middle of a scan's memory traffic were measured to cost 1-5x the scan on
        # a busy machine, against ~0.1 s/GB here
        out.fill(0)
    if method == "lfilter" and not p.invariant:
        raise ValueError(
            "method='lfilter' needs a time-invariant a (broadcastable to b.shape[1:]); got a time-varying a"
        )
    if method == "log":
        if p.dtype.kind == "c":
            raise TypeError("method='log' needs real a, b and h0 (Heinsen's positive log-space scan)")
        if np.any(p.a <= 0):
            raise ValueError("method='log' needs a > 0 everywhere (log-space scan); got a non-positive a")
        if np.any(p.b < 0):
            raise ValueError("method='log' needs b >= 0 everywhere (log-space scan); got a negative b")
        if np.any(p.h0 < 0):
            raise ValueError("method='log' needs h0 >= 0 (log-space scan); got a negative h0")
    if N == 0:
        return
    with np.errstate(over="ignore", invalid="ignore"):
        try:
            _KERNELS[method](p.a, p.b, p.h0, p.invariant, out)
        except ValueError:
            _check_inputs_finite(p)
            raise
    if not np.all(np.isfinite(out[-1])):
        _check_inputs_finite(p)
        warnings.warn(
            f"linear_scan overflowed: the states exceed the {p.dtype} range (|a| > 1 over a long sequence?)",
            LinrecWarning, stacklevel=3,
        )


def _check_out(out: Any, shape: tuple[int, ...], p: _Prepared, inputs: tuple) -> np.ndarray:
    if not isinstance(out, np.ndarray):
        raise TypeError(f"out must be a numpy.ndarray; got {type(out).__name__}")
    if out.shape != shape or out.dtype != p.dtype:
        raise ValueError(f"out must have shape {shape} and dtype {p.dtype}; got shape {out.shape}, dtype {out.dtype}")
    if not (out.flags.c_contiguous and out.flags.writeable):
        raise ValueError("out must be a writeable C-contiguous array")
    if any(x is not None and np.may_share_memory(out, x) for x in inputs):
        raise ValueError("out must not overlap the inputs a, b or the initial state")
    return out


def _new_output(p: _Prepared) -> np.ndarray:
    return np.empty(p.b.shape, dtype=p.dtype)


def _check_inputs_finite(p: _Prepared) -> None:
    for name, arr in (("a", p.a), ("b", p.b), (p.init_name, p.h0)):
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"{name} must be finite; it contains NaN or infinity")


# --------------------------------------------------------------------------------------------
# public API
# --------------------------------------------------------------------------------------------


def linear_scan(
    a: Any, b: Any, h0: Any = None, *, method: str = "auto", dtype: Any = None, out: np.ndarray | None = None
) -> np.ndarray:
    r"""All states of :math:`h_t = a_t \odot h_{t-1} + b_t` (time along axis 0).

    Parameters
    ----------
    a : array_like
        Gates. Time-invariant: any shape broadcastable to ``b.shape[1:]`` (a scalar, ``(d,)``,
        ...). Time-varying: the same number of dimensions as ``b`` and broadcastable to
        ``b.shape`` (e.g. ``(T, d)`` or ``(T, 1)``). A ``b`` of shape ``(T, T)`` with ``a`` of
        shape ``(T,)`` is read as time-invariant per channel (numpy broadcasting); write
        ``a[:, None]`` for one gate per step. Float or complex; integer, boolean and object
        dtypes are rejected (``TypeError``), not cast.
    b : array_like, shape (T, ...)
        Inputs, ``T >= 1``. The trailing shape is the state shape.
    h0 : array_like, optional
        Initial state :math:`h_{-1}`, broadcastable to ``b.shape[1:]`` (default zeros). Passing
        the last state of a previous call continues that sequence exactly (streaming).
    method : {"auto", "sequential", "lfilter", "chunked", "tree", "log"}, optional
        Algorithm; see the module docstring. ``"auto"`` (default) uses
        :func:`select_method` (from the shape and time-invariance only).
    dtype : {None, "float64", "float32"}, optional
        Working precision: None (default) computes in float64/complex128; ``"float32"`` computes
        in float32/complex64 (for precision studies; inputs are rounded to it first).
    out : numpy.ndarray, optional
        C-contiguous array of ``b``'s shape and the result dtype to write the states into
        (no allocation, e.g. a buffer reused across calls); it must not overlap the inputs.

    Returns
    -------
    numpy.ndarray, shape b.shape
        :math:`h_0, \dots, h_{T-1}` (``h[-1]`` is the final state), float64 or complex128 (or
        float32/complex64 with ``dtype="float32"``); complex if any input is complex. ``out``
        when it was given.

    Raises
    ------
    TypeError
        Integer/boolean/object dtypes; complex input for ``"log"``; a bad ``dtype``.
    ValueError
        Shapes that do not broadcast, an empty time axis, NaN or infinity, an unknown method,
        ``"lfilter"`` with time-varying ``a``, ``"log"`` with ``a <= 0`` or ``b < 0`` or
        ``h0 < 0``, ``"tree"`` when a product of gates overflows.

    Notes
    -----
    The recurrence is

    .. math:: h_t = a_t h_{t-1} + b_t = \Big(\prod_{k=0}^{t} a_k\Big) h_0
              + \sum_{j=0}^{t} \Big(\prod_{k=j+1}^{t} a_k\Big) b_j .

    Error bounds (see the module docstring for the derivation): for every method but
    ``"log"``, :math:`|\hat h_t - h_t| \le c\,\gamma_{m_t} S_t` with :math:`S_t` the same
    recurrence on :math:`|a|, |b|, |h_0|` (:func:`rounding_bound` evaluates it). For ``"log"``
    the values are computed as exponentials of log-space sums, so rounding an exponent of size
    :math:`E` costs a relative error :math:`u E`: the error grows like
    :math:`u \sum_k |\log a_k|` along the sequence rather than like :math:`u\,t`
    (:func:`log_scan_error_bound` gives the derived first-order bound).

    References
    ----------
    .. [1] G. E. Blelloch, "Prefix sums and their applications", CMU-CS-90-190 (1990), Sec. 1.4.
    .. [2] F. A. Heinsen, "Efficient parallelization of a ubiquitous sequential computation",
       arXiv:2311.06281 (2023), Eq. (2)-(3).
    .. [3] L. Feng et al., "Were RNNs all we needed?", arXiv:2410.01201 (2024), Sec. 3,
       Appendix B.

    Examples
    --------
    >>> h = linear_scan(0.5, np.ones(4))
    >>> h.tolist()
    [1.0, 1.5, 1.75, 1.875]
    >>> first = linear_scan(0.5, np.ones(2))
    >>> rest = linear_scan(0.5, np.ones(2), h0=first[-1])   # streaming
    >>> rest.tolist()
    [1.75, 1.875]
    >>> a = np.full((3, 2), 0.9)
    >>> bool(np.allclose(linear_scan(a, np.ones((3, 2)), method="log"), linear_scan(a, np.ones((3, 2)))))
    True
    """
    method = _check_method(method)
    p = _prepare(a, b, h0, dtype, defer_finite=True)
    shape = p.b.shape[:1] + p.state_shape
    res = _new_output(p).reshape(shape) if out is None else _check_out(out, shape, p, (a, b, h0))
    _run(p, method, res.reshape(p.b.shape), fresh=out is None)
    return res


def reverse_linear_scan(
    a: Any, b: Any, hT: Any = None, *, method: str = "auto", dtype: Any = None, out: np.ndarray | None = None
) -> np.ndarray:
    r"""All states of the backward recurrence :math:`g_t = a_t \odot g_{t+1} + b_t`.

    Parameters
    ----------
    a : array_like
        Gates, time-invariant or time-varying, as in :func:`linear_scan`.
    b : array_like, shape (T, ...)
        Inputs.
    hT : array_like, optional
        Final condition :math:`g_T`, broadcastable to ``b.shape[1:]`` (default zeros).
    method : str, optional
        As in :func:`linear_scan`.
    dtype : {None, "float64", "float32"}, optional
        Working precision, as in :func:`linear_scan`.
    out : numpy.ndarray, optional
        Output buffer, as in :func:`linear_scan`.

    Returns
    -------
    numpy.ndarray, shape b.shape
        :math:`g_0, \dots, g_{T-1}` (``g[0]`` is the final state of the backward pass).

    Notes
    -----
    :math:`g_t = a_t g_{t+1} + b_t` for :math:`t = T-1, \dots, 0` with :math:`g_T = h_T`; it is
    :func:`linear_scan` on the time-reversed sequences,
    :math:`g = \mathrm{flip}(\mathrm{scan}(\mathrm{flip}(a), \mathrm{flip}(b), h_T))`, and
    has the same error bounds with :math:`t` replaced by :math:`T-1-t`.

    References
    ----------
    .. [1] G. E. Blelloch, "Prefix sums and their applications", CMU-CS-90-190 (1990), Sec. 1.4.

    Examples
    --------
    >>> reverse_linear_scan(0.5, np.ones(3)).tolist()
    [1.75, 1.5, 1.0]
    """
    method = _check_method(method)
    p = _prepare(a, b, hT, dtype, init_name="hT", defer_finite=True)
    T, N = p.b.shape
    shape = (T,) + p.state_shape
    res = _new_output(p).reshape(shape) if out is None else _check_out(out, shape, p, (a, b, hT))
    a_rev = p.a if p.invariant else p.a[::-1]
    p_rev = _Prepared(a_rev, p.b[::-1], p.h0, p.invariant, p.state_shape, p.dtype, p.init_name)
    _run(p_rev, method, res.reshape(p.b.shape)[::-1], fresh=out is None)
    return res


def _sum_to_shape(x: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Sum ``x`` over the axes along which ``shape`` was broadcast to ``x.shape``."""
    lead = x.ndim - len(shape)
    if lead:
        x = x.sum(axis=tuple(range(lead)))
    axes = tuple(k for k, n in enumerate(shape) if n == 1 and x.shape[k] != 1)
    if axes:
        x = x.sum(axis=axes, keepdims=True)
    return x.reshape(shape)


def linear_scan_vjp(a: Any, h: Any, grad_h: Any, h0: Any = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""Exact vector-Jacobian product of :func:`linear_scan` (the adjoint scan).

    Parameters
    ----------
    a : array_like
        The gates used in the forward scan (time-invariant or time-varying, as there).
    h : array_like, shape (T, ...)
        The forward states ``linear_scan(a, b, h0)``.
    grad_h : array_like, shape (T, ...)
        Upstream gradient :math:`\partial L / \partial h_t` of a real loss with respect to every
        state (the gradient of a loss on the last state only is zero except at ``t = T-1``).
    h0 : array_like, optional
        The initial state used in the forward scan (default zeros).

    Returns
    -------
    grad_a : numpy.ndarray
        Gradient with respect to ``a``, in ``a``'s shape (summed over time and over broadcast
        axes for a time-invariant or broadcast ``a``); real if ``a`` is real.
    grad_b : numpy.ndarray, shape h.shape
        Gradient with respect to ``b`` (the adjoint states :math:`\delta_t`); take its real part
        if ``b`` was real while ``h`` is complex.
    grad_h0 : numpy.ndarray
        Gradient with respect to ``h0``, in ``h0``'s shape (``b.shape[1:]`` when ``h0`` is
        None); real if ``h0`` is real.

    Notes
    -----
    With :math:`\delta_t = \partial L/\partial b_t` the adjoint recurrence is a reverse scan
    with the gates shifted by one step,

    .. math:: \delta_{T-1} = \bar g_{T-1}, \qquad
              \delta_t = \bar g_t + \overline{a_{t+1}}\, \delta_{t+1},

    and :math:`\partial L/\partial a_t = \delta_t \overline{h_{t-1}}` (with
    :math:`h_{-1} = h_0`), :math:`\partial L/\partial h_0 = \overline{a_0}\, \delta_0`.
    Complex convention: for a complex variable :math:`z`, the gradient is
    :math:`\partial L/\partial \operatorname{Re} z + i\, \partial L/\partial \operatorname{Im} z`
    (so that gradient descent is :math:`z \leftarrow z - \eta\, \mathrm{grad}`); for the
    holomorphic map :math:`h = a x` it propagates as :math:`\bar a` times the gradient of
    :math:`h`.

    References
    ----------
    .. [1] A. Griewank and A. Walther, "Evaluating Derivatives", 2nd ed., SIAM (2008), Ch. 3
       (reverse mode of a recurrence).
    .. [2] E. Martin and C. Cundy, "Parallelizing linear recurrent neural nets over sequence
       length", ICLR (2018), Sec. 3 (the backward pass of a linear recurrence is a reverse scan).

    Examples
    --------
    >>> a, b = 0.5, np.array([1.0, 2.0, 3.0])
    >>> h = linear_scan(a, b)
    >>> grad_a, grad_b, grad_h0 = linear_scan_vjp(a, h, np.array([0.0, 0.0, 1.0]))
    >>> grad_b.tolist()     # dh_2/db_t = a^(2-t)
    [0.25, 0.5, 1.0]
    >>> float(grad_a)       # d/da (a^2 b0 + a b1 + b2) = 2 a b0 + b1
    3.0
    """
    a_arr = _as_numeric(a, "a")
    h_arr = _as_numeric(h, "h")
    g_arr = _as_numeric(grad_h, "grad_h")
    if h_arr.ndim < 1 or h_arr.shape[0] == 0:
        raise ValueError(f"h must have a non-empty time axis (axis 0); got shape {h_arr.shape}")
    if g_arr.shape != h_arr.shape:
        raise ValueError(f"grad_h must have h's shape {h_arr.shape}; got shape {g_arr.shape}")
    T = h_arr.shape[0]
    S = h_arr.shape[1:]
    # validate a and h0 against h's shape via the forward preparation
    p = _prepare(a_arr, h_arr, h0, None)
    N = p.b.shape[1]
    dt = np.result_type(p.dtype, g_arr.dtype)
    g = g_arr.reshape(T, N).astype(dt, copy=False)
    hh = p.b.astype(dt, copy=False)
    if p.invariant:
        delta = reverse_linear_scan(np.conj(p.a), g)
    else:
        shifted = np.empty((T, N), dtype=p.a.dtype)
        np.conj(p.a[1:], out=shifted[:-1])
        shifted[-1] = 0
        delta = reverse_linear_scan(shifted, g)
    delta = delta.reshape(T, N)
    # dL/da_t = delta_t conj(h_{t-1}), h_{-1} = h0; summed over time at once when a is
    # time-invariant (no (T, N) temporary)
    h_prev = np.conj(hh[:-1]) if hh.dtype.kind == "c" else hh[:-1]
    first = delta[0] * np.conj(p.h0)
    if p.invariant:
        ga_full = (np.einsum("tn,tn->n", delta[1:], h_prev) + first)[None, :]
    else:
        ga_full = np.empty((T, N), dtype=dt)
        ga_full[0] = first
        np.multiply(delta[1:], h_prev, out=ga_full[1:])
    a0 = p.a if p.invariant else p.a[0]
    gh0 = np.conj(a0) * delta[0]
    # back to the caller's shapes
    grad_a = _sum_to_shape(ga_full.reshape((ga_full.shape[0],) + S), a_arr.shape)
    if a_arr.dtype.kind != "c":
        grad_a = np.real(grad_a).astype(np.float64)
    h0_shape = S if h0 is None else np.shape(h0)
    grad_h0 = _sum_to_shape(gh0.reshape(S), h0_shape)
    if h0 is not None and np.asarray(h0).dtype.kind != "c":
        grad_h0 = np.real(grad_h0).astype(np.float64)
    return np.asarray(grad_a), delta.reshape((T,) + S), np.asarray(grad_h0)


# --------------------------------------------------------------------------------------------
# error bounds
# --------------------------------------------------------------------------------------------


def rounding_bound(a: Any, b: Any, h0: Any = None, *, method: str = "sequential", dtype: Any = None) -> np.ndarray:
    r"""Rigorous rounding-error bound :math:`c\,\gamma_{m_t} S_t` of every method but ``"log"``.

    Parameters
    ----------
    a : array_like
        Gates, as in :func:`linear_scan`.
    b : array_like, shape (T, ...)
        Inputs.
    h0 : array_like, optional
        Initial state.
    method : {"sequential", "lfilter", "chunked", "auto", "tree"}, optional
        Which method's rounding count :math:`m_t` to use.
    dtype : {None, "float64", "float32"}, optional
        Working precision whose unit roundoff :math:`u` enters.

    Returns
    -------
    numpy.ndarray, shape b.shape
        The bound on :math:`|\hat h_t - h_t|` (float64).

    Notes
    -----
    :math:`S_t = |a_t| S_{t-1} + |b_t|`, :math:`S_{-1} = |h_0|` (computed in float64, rounded up
    by the factor :math:`1 + \gamma_{2(t+1)}` of its own rounding),
    :math:`\gamma_m = m u / (1 - m u)`, :math:`c = 1` (real) or :math:`2\sqrt 2` (complex), and
    :math:`m_t = 2(t+1)` for sequential, lfilter, chunked (and auto, which is one of them);
    :math:`m_t = t + 1 + 4\lceil\log_2 T\rceil + 2` for tree. See the module docstring.

    References
    ----------
    .. [1] N. J. Higham, "Accuracy and Stability of Numerical Algorithms", 2nd ed., SIAM
       (2002), Lemma 3.1 (products of 1 + delta terms) and Sec. 3.6 (complex arithmetic).

    Examples
    --------
    >>> bnd = rounding_bound(0.5, np.ones(3))
    >>> bool(np.all(bnd < 1e-14))
    True
    """
    method = _check_method(method)
    if method == "log":
        raise ValueError("rounding_bound covers the linear-space methods; use log_scan_error_bound for 'log'")
    p = _prepare(a, b, h0, dtype)
    T, N = p.b.shape
    absa = np.abs(p.a).astype(np.float64)
    S = np.empty((T, N))
    _kernel_sequential(absa, np.abs(p.b).astype(np.float64), np.abs(p.h0).astype(np.float64), p.invariant, S)
    u = float(np.finfo(p.dtype).eps) / 2
    t = np.arange(T, dtype=np.float64)[:, None]
    if method == "tree":
        m = t + 1 + 4 * math.ceil(math.log2(T)) + 2 if T > 1 else t + 3
    else:
        m = 2 * (t + 1)
    c = 2 * math.sqrt(2) if p.dtype.kind == "c" else 1.0
    gamma = lambda m_, uu: m_ * uu / (1 - m_ * uu)  # noqa: E731
    bound = c * gamma(m, u) * S * (1 + gamma(2 * (t + 1), 2.0 ** -53))
    return bound.reshape(p.b.shape[:1] + p.state_shape)


def log_scan_error_bound(a: Any, b: Any, h0: Any = None, *, dtype: Any = None) -> np.ndarray:
    r"""First-order bound on the relative error of ``linear_scan(..., method="log")``.

    Parameters
    ----------
    a : array_like
        Positive gates, as in :func:`linear_scan`.
    b : array_like, shape (T, ...)
        Non-negative inputs.
    h0 : array_like, optional
        Non-negative initial state.
    dtype : {None, "float64", "float32"}, optional
        Working precision whose unit roundoff :math:`u` enters.

    Returns
    -------
    numpy.ndarray, shape b.shape
        A bound on :math:`|\hat h_t - h_t| / h_t` (float64), to first order in :math:`u`.

    Notes
    -----
    Inside a chunk of length :math:`L` the method forms :math:`A_i = \sum_{k \le i} \log a_k`
    (recursive summation: absolute error :math:`\le u\sum_k (|A_k| + 2|\log a_k|)`), the
    exponents :math:`x_j = \log b_j - A_j`, their running log-sum-exp :math:`s_i` (each
    ``logaddexp`` rounds to :math:`u(|s_i| + 3)` and passes input errors on with weights that
    sum to one), :math:`\log h_i = A_i + s_i` and :math:`\exp`. An absolute error :math:`\delta`
    in an exponent is a relative error :math:`\delta` in :math:`h`, and since all terms are
    positive a relative error in the state entering a chunk passes to the chunk's states with a
    factor at most one. Summing these, with
    :math:`R_c = \max_{i \in c}\max(|A_i|, |\log b_i|, |\log h_i|)` and
    :math:`V_c = \sum_{i \in c} |\log a_i|`, the relative error at step :math:`t` in chunk
    :math:`c(t)` is at most

    .. math:: u \sum_{c' \le c(t)} \big[(4L + 6) R_{c'} + 4 V_{c'} + L(\log(L+1) + 4)\big].

    It grows like :math:`u \sum_k |\log a_k|` along the sequence (through :math:`R` and
    :math:`V`), not like :math:`u\,t` as the linear-space methods do: this is the price of the
    log-space formulation (Heinsen 2023) that minGRU/minLSTM train with.

    References
    ----------
    .. [1] F. A. Heinsen, "Efficient parallelization of a ubiquitous sequential computation",
       arXiv:2311.06281 (2023), Eq. (2)-(3).
    .. [2] L. Feng et al., "Were RNNs all we needed?", arXiv:2410.01201 (2024), Appendix B.

    Examples
    --------
    >>> bnd = log_scan_error_bound(np.full(100, 0.9), np.ones(100))
    >>> bool(bnd[-1] < 1e-10)
    True
    """
    p = _prepare(a, b, h0, dtype)
    if p.dtype.kind == "c" or np.any(p.a <= 0) or np.any(p.b < 0) or np.any(p.h0 < 0):
        raise ValueError("log_scan_error_bound needs real a > 0, b >= 0 and h0 >= 0")
    T, N = p.b.shape
    la, lb, lh0, _ = _log_pieces(p.a.astype(np.float64), p.b.astype(np.float64), p.h0.astype(np.float64),
                                 p.invariant)
    C, L, _ = la.shape
    h = np.empty((T, N))
    _kernel_sequential(p.a.astype(np.float64), p.b.astype(np.float64), p.h0.astype(np.float64), p.invariant, h)
    with np.errstate(divide="ignore"):
        lh = np.full((C * L, N), 0.0)
        lh[:T] = np.log(h)
    lh = lh.reshape(C, L, N)
    A = np.cumsum(la, axis=1)
    fin = lambda x: np.where(np.isfinite(x), np.abs(x), 0.0)  # noqa: E731  (log 0 terms are absent)
    R = np.maximum.reduce([fin(A).max(axis=1), fin(lb).max(axis=1), fin(lh).max(axis=1)])
    # the state entering each chunk also enters its exponents
    lcar = np.concatenate([fin(lh0)[None, :], fin(lh[:-1, -1])], axis=0)
    R = np.maximum(R, lcar)
    V = np.abs(la).sum(axis=1)
    u = float(np.finfo(p.dtype).eps) / 2
    per_chunk = (4 * L + 6) * R + 4 * V + L * (math.log(L + 1) + 4)
    cum = u * np.cumsum(per_chunk, axis=0)  # (C, N)
    bound = np.repeat(cum, L, axis=0)[:T]
    return bound.reshape(p.b.shape[:1] + p.state_shape)


def exact_linear_scan(a: Any, b: Any, h0: Any = None, *, dps: int = 40) -> np.ndarray:
    r"""High-precision reference for :func:`linear_scan`: the recurrence in mpmath arithmetic.

    Parameters
    ----------
    a : array_like
        Gates, time-invariant or time-varying, as in :func:`linear_scan` (float32 inputs are
        taken at their exact float32 values).
    b : array_like, shape (T, ...)
        Inputs.
    h0 : array_like, optional
        Initial state (default zeros).
    dps : int, optional
        Decimal digits of the mpmath working precision (default 40; set locally, mpmath's global
        precision is left unchanged).

    Returns
    -------
    numpy.ndarray, shape b.shape
        The states rounded once to float64/complex128.

    Notes
    -----
    :math:`h_t = a_t h_{t-1} + b_t` evaluated step by step with ``dps`` digits; the inputs are
    binary floats, so they are exact in mpmath, and the result differs from the exact one by
    at most about :math:`2(t+1)\,10^{-\mathrm{dps}} S_t` before the final rounding (the same
    bound as the sequential method with :math:`u = 10^{-\mathrm{dps}}`). It costs a few
    microseconds per value: use it for references of up to ~10^6 values.

    References
    ----------
    .. [1] F. Johansson et al., mpmath: a Python library for arbitrary-precision floating-point
       arithmetic, https://mpmath.org.
    .. [2] N. J. Higham, "Accuracy and Stability of Numerical Algorithms", 2nd ed., SIAM (2002),
       Lemma 3.1.

    Examples
    --------
    >>> exact_linear_scan(0.5, np.ones(3)).tolist()
    [1.0, 1.5, 1.75]
    """
    import mpmath

    p = _prepare(a, b, h0, None)
    T, N = p.b.shape
    cplx = p.dtype.kind == "c"
    out = np.empty((T, N), dtype=p.dtype)
    af = np.broadcast_to(p.a, (T, N))
    with mpmath.workdps(int(dps)):
        conv = (lambda z: mpmath.mpc(complex(z))) if cplx else (lambda z: mpmath.mpf(float(z)))
        back = complex if cplx else float
        for n in range(N):
            h = conv(p.h0[n])
            col_a = af[:, n].tolist()
            col_b = p.b[:, n].tolist()
            col = [0.0] * T
            for t in range(T):
                h = conv(col_a[t]) * h + conv(col_b[t])
                col[t] = back(h)
            out[:, n] = col
    return out.reshape(p.b.shape[:1] + p.state_shape)
