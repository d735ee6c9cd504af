"""Training-step throughput of linrec's torch-free engine against a plain-numpy baseline.

Cases (issue 6):
  1. teacher–student LRU, 64 complex units, T = 300, batch 128 (Zucchet & Orvieto's protocol);
  2. teacher–student dense linear RNN, 64 units, same task;
  3. diagonal linear RNN (complex, 64 units), T = 256, batch 32, 16 inputs / 16 outputs.

A step = fresh batch + loss + exact gradient + Adam update. The baseline is what one writes
first in numpy: run the hidden states step by step (a Python loop over T with vectorised
batch x state operations) and backpropagate through time with a second loop. The engine uses
the impulse-response path (k_s = Re(C lam^s B~) in O(T N), y = k * x by FFT, dk by one FFT
correlation, target and output fused). Both compute the same gradient (checked below).

Run: ``OPENBLAS_NUM_THREADS=1 .venv/bin/python bench/bench_train.py [--full]``
(``--full`` also times one complete 10,000-step LRU teacher–student run).
"""

from __future__ import annotations

import argparse
import os
import platform
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from linrec import models, optim, tasks  # noqa: E402
from linrec.train import train  # noqa: E402


# ---------------------------------------------------------------- plain-numpy baselines
def baseline_lti_step(model, p, x, target):
    """State-space forward loop + BPTT loop for the LRU/diagonal and dense models (mse loss)."""
    T, B, _ = x.shape
    if isinstance(model, models.DenseLinear):
        A, Bm, C, D = p["A"], p["B"], p["C"], p["D"]
        h = np.zeros((T, B, A.shape[0]))
        prev = np.zeros((B, A.shape[0]))
        for t in range(T):
            prev = prev @ A.T + x[t] @ Bm.T
            h[t] = prev
        y = h @ C.T + x @ D.T
        err = y - target
        L = 0.5 * np.sum(err**2) / (B * T)
        dy = err / (B * T)
        gh = dy @ C
        delta = np.zeros_like(h)
        carry = np.zeros((B, A.shape[0]))
        for t in range(T - 1, -1, -1):
            carry = gh[t] + carry @ A
            delta[t] = carry
        hprev = np.concatenate([np.zeros((1, B, A.shape[0])), h[:-1]])
        g = {"A": np.einsum("tbi,tbj->ij", delta, hprev), "B": np.einsum("tbi,tbj->ij", delta, x),
             "C": np.einsum("tbo,tbn->on", dy, h), "D": np.einsum("tbo,tbi->oi", dy, x)}
        return L, g
    lam, Bt, C, D, _ = model._effective(p)  # same parameter map; the recurrence is the baseline's
    N = lam.shape[0]
    u = x @ Bt.T
    h = np.zeros((T, B, N), dtype=complex)
    prev = np.zeros((B, N), dtype=complex)
    for t in range(T):
        prev = lam * prev + u[t]
        h[t] = prev
    y = (h @ C.T).real + x @ D.T
    err = y - target
    L = 0.5 * np.sum(err**2) / (B * T)
    dy = err / (B * T)
    gh = dy @ C.conj()
    delta = np.zeros_like(h)
    carry = np.zeros((B, N), dtype=complex)
    lc = lam.conj()
    for t in range(T - 1, -1, -1):
        carry = gh[t] + lc * carry
        delta[t] = carry
    hprev = np.concatenate([np.zeros((1, B, N)), h[:-1]])
    gl = np.einsum("tbn,tbn->n", delta, hprev.conj())
    gBt = np.einsum("tbn,tbi->ni", delta, x)
    gC = np.einsum("tbo,tbn->on", dy, h.conj())
    gD = np.einsum("tbo,tbi->oi", dy, x)
    return L, model._effective_vjp(p, model._effective(p)[4], gl, gBt, gC, gD)


# CPU time of this process (single-threaded BLAS): on a shared machine it is much closer to the
# unloaded wall time than perf_counter is
_clock = time.process_time


def time_engine(model, task, steps, batch):
    opt = optim.adam(1e-3)
    train(model, task, opt, steps=3, batch_size=batch, rng=0)  # warm-up (imports, caches)
    t = _clock()
    train(model, task, opt, steps=steps, batch_size=batch, rng=0, eig_every=0)
    return steps / (_clock() - t)


def time_baseline(model, task, steps, batch):
    rng = np.random.default_rng(0)
    p = model.init(rng)
    opt = optim.adam(1e-3)
    state = opt.init(p)
    t = _clock()
    for _ in range(steps):
        b = task.sample(rng, batch)
        _, g = baseline_lti_step(model, p, b.x, b.target)
        upd, state = opt.update(g, state, p)
        p = optim.apply_updates(p, upd)
    return steps / (_clock() - t)


def check_same_gradient(model, task, batch):
    rng = np.random.default_rng(1)
    p = model.init(rng)
    b = task.sample(rng, batch)
    L1, g1 = model.loss_and_grad(p, b.x, b.target, b.mask)
    L2, g2 = baseline_lti_step(model, p, b.x, b.target)
    assert abs(L1 - L2) <= 1e-9 * abs(L2), (L1, L2)
    for k in g1:
        scale = np.abs(g2[k]).max()
        assert np.allclose(g1[k], g2[k], rtol=1e-7, atol=1e-9 * scale), k


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=200)
    ap.add_argument("--full", action="store_true", help="also time a full 10,000-step LRU run")
    args = ap.parse_args()
    print(f"# {platform.processor() or platform.machine()}, numpy {np.__version__}, "
          f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS')}, load average "
          f"{os.getloadavg()[0]:.1f}; rates from process CPU time")
    ts = tasks.TeacherStudent(tasks.make_teacher(0, nu0=0.99), T=300)
    multi = tasks.TeacherStudent(tasks.make_teacher(0, n=10, nu0=0.9, input_dim=16, output_dim=16), T=256)
    cases = [
        ("LRU teacher-student (N=64, T=300, B=128)", models.LRU(1, 64, 1, r_min=0.99), ts, 128),
        ("dense linear RNN teacher-student (N=64, T=300, B=128)", models.DenseLinear(1, 64, 1), ts, 128),
        ("diagonal linear RNN (N=64, T=256, B=32, 16 in/out)", models.LinearDiagonal(16, 64, 16, r_max=0.99),
         multi, 32),
    ]
    print(f"{'case':58s} {'engine steps/s':>15s} {'ms/step':>8s} {'baseline steps/s':>17s} {'ratio':>7s}")
    for name, model, task, batch in cases:
        check_same_gradient(model, task, batch)
        e = time_engine(model, task, args.steps, batch)
        b = time_baseline(model, task, max(20, args.steps // 10), batch)
        print(f"{name:58s} {e:15.1f} {1e3 / e:8.2f} {b:17.1f} {e / b:7.1f}")
    # gated models (no baseline: the engine's sequential mode is the plain loop): seconds per
    # training step of minGRU in parallel (default chunked scan, and Heinsen's log-space scan) and
    # sequential mode, and of a GRU
    sel = tasks.SelectiveCopy(8, 8, 248)
    print(f"\n{'gated models, selective copy (T=257, B=32, N=64)':58s} {'steps/s':>15s} {'ms/step':>8s}")
    for name, model in [("minGRU parallel (chunked scan)", models.MinGRU(10, 64, 8)),
                        ("minGRU parallel (log-space scan)", models.MinGRU(10, 64, 8, scan_method="log")),
                        ("minGRU sequential", models.MinGRU(10, 64, 8, mode="sequential")),
                        ("minLSTM parallel", models.MinLSTM(10, 64, 8)),
                        ("GRU (sequential by nature)", models.GRU(10, 64, 8))]:
        e = time_engine(model, sel, max(10, args.steps // 10), 32)
        print(f"{name:58s} {e:15.1f} {1e3 / e:8.2f}")
    if args.full:
        t, tw = _clock(), time.perf_counter()
        h = train(models.LRU(1, 64, 1, r_min=0.99), ts, optim.adam(optim.cosine_decay(1e-2, 10_000)),
                  steps=10_000, batch_size=128, rng=0)
        print(f"full 10,000-step LRU teacher-student run (nu0 = 0.99): {_clock() - t:.1f} s CPU "
              f"({time.perf_counter() - tw:.1f} s wall), final loss (mean of last 100) {h.final_loss():.3g}")


if __name__ == "__main__":
    main()
