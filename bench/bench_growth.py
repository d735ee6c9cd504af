"""Benchmark of linrec.growth: power norms to n = 1e6 and a 200 x 200 pseudospectrum, N = 100.

Each result is a ratio to the naive approach, timed in the same process:

* ``power_norms``: ||A^n||_2 at 200 log-spaced exponents n <= 1e6 (plus n = 0..50) for a random
  non-normal 100 x 100 matrix (rho ~ 1). Ours: Schur form + binary powering with cached scaled
  squares (method="schur"), and the eigendecomposition (method="eig"). Naive: repeated matrix
  multiplication h -> A M (renormalized so it does not overflow) with an SVD at the requested
  exponents. The naive loop is TIME-BOUNDED: it runs the first ``--naive-steps`` steps (default
  20000) and its time is extrapolated linearly to 1e6 steps (every step costs the same 100 x 100
  matmul; the SVDs at requested exponents are counted at their measured cost). Accuracy is
  compared on the exponents the naive loop reached. (The eigenvector matrix of the test matrix
  has cond(V) ~ 4e8, so "eig" is fast but loses digits; it warns, the warning is silenced here.)
* ``pseudospectra``: sigma_min(zI - A) on a 200 x 200 grid, N = 100. Ours: complex Schur form +
  inverse Lanczos vectorized over grid points (method="lanczos"). Naive: ``svdvals(zI - A)`` per
  grid point on the dense matrix, TIME-BOUNDED to a random subset of ``--naive-points`` points
  (default 400) and extrapolated to 40000 points. Also reported: dense SVDs of the triangular
  Schur factor (method="svd").

Run with OPENBLAS_NUM_THREADS=1 (``make bench`` sets it). Takes about 1 minute.
Usage: ``python bench/bench_growth.py [--naive-steps S] [--naive-points P]``.
"""

from __future__ import annotations

import argparse
import os
import time
import warnings

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np
import scipy.linalg as sla

from linrec import LinrecWarning
from linrec.growth import haar_orthogonal, power_norms, pseudospectra


def test_matrix(N: int, rng: np.random.Generator) -> np.ndarray:
    T = np.diag(rng.uniform(-1.0, 1.0, size=N) * np.exp(1j * rng.uniform(0, 2 * np.pi, size=N)).real)
    T = T + np.triu(rng.normal(size=(N, N)), 1) * (0.3 / np.sqrt(N))
    Q = haar_orthogonal(N, rng=rng)
    return Q @ T @ Q.T


def naive_power_norms(A: np.ndarray, exps: np.ndarray, n_steps: int) -> tuple[dict[int, float], float, float]:
    """Repeated multiplication up to n_steps; returns {n: log||A^n||}, time of the steps, SVD time."""
    want = {int(e) for e in exps if e <= n_steps}
    M, s = np.eye(A.shape[0]), 0.0
    out, t_svd = {}, 0.0
    t0 = time.perf_counter()
    for n in range(0, n_steps + 1):
        if n > 0:
            M = A @ M
            nrm = np.linalg.norm(M)
            M /= nrm
            s += np.log(nrm)
        if n in want:
            t1 = time.perf_counter()
            out[n] = s + np.log(sla.svdvals(M)[0])
            t_svd += time.perf_counter() - t1
    return out, time.perf_counter() - t0 - t_svd, t_svd


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--naive-steps", type=int, default=20000)
    ap.add_argument("--naive-points", type=int, default=400)
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    N, n_max = 100, 1_000_000
    A = test_matrix(N, rng)
    exps = np.unique(np.concatenate([np.arange(51), np.logspace(0, 6, 200).astype(np.int64)]))

    print(f"power_norms: N = {N}, {exps.size} exponents up to n = {n_max:.0e}")
    t0 = time.perf_counter()
    ours = power_norms(A, exps, log=True, method="schur")
    t_schur = time.perf_counter() - t0
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LinrecWarning)   # cond(V) ~ 4e8 here: reported, not hidden
        ours_eig = power_norms(A, exps, log=True, method="eig")
    t_eig = time.perf_counter() - t0
    naive, t_steps, t_svd = naive_power_norms(A, exps, args.naive_steps)
    n_svd_total = exps.size
    t_naive = t_steps * n_max / args.naive_steps + t_svd * n_svd_total / max(1, len(naive))
    common = np.array(sorted(naive))
    idx = np.searchsorted(exps, common)
    err_schur = np.max(np.abs(ours[idx] - np.array([naive[k] for k in common])))
    err_eig = np.max(np.abs(ours_eig[idx] - np.array([naive[k] for k in common])))
    print(f"  schur (binary powering): {t_schur:8.3f} s")
    print(f"  eig (V diag V^-1)      : {t_eig:8.3f} s")
    print(f"  naive repeated matmul  : {t_naive:8.1f} s  (EXTRAPOLATED from {args.naive_steps} steps: "
          f"{t_steps:.2f} s of matmuls + {t_svd:.2f} s of {len(naive)} SVDs)")
    print(f"  speed-up schur: x{t_naive / t_schur:,.0f}   eig: x{t_naive / t_eig:,.0f}")
    print(f"  max |log-norm difference| vs naive on n <= {args.naive_steps}: schur {err_schur:.2e}, eig {err_eig:.2e}")
    print(f"  log||A^n|| at n = 1e6: schur {ours[-1]:.6f}, eig {ours_eig[-1]:.6f}")

    m = 200
    x = np.linspace(-1.5, 1.5, m)
    y = np.linspace(-1.5, 1.5, m)
    print(f"pseudospectra: N = {N}, {m} x {m} grid")
    t0 = time.perf_counter()
    S = pseudospectra(A, x, y, method="lanczos")
    t_ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    S6 = pseudospectra(A, x, y, method="lanczos", rtol=1e-6)
    t_ours6 = time.perf_counter() - t0
    Z = (x[None, :] + 1j * y[:, None]).ravel()
    sub = rng.choice(Z.size, size=args.naive_points, replace=False)
    I = np.eye(N)
    t0 = time.perf_counter()
    ref = np.array([sla.svdvals(Z[k] * I - A)[-1] for k in sub])
    t_sub = time.perf_counter() - t0
    t_naive_ps = t_sub * Z.size / sub.size
    T, _ = sla.schur(A, output="complex")
    t0 = time.perf_counter()
    for k in sub[:100]:
        sla.svdvals(Z[k] * I - T)
    t_tri = (time.perf_counter() - t0) * Z.size / 100
    err = np.max(np.abs(S.ravel()[sub] - ref) / ref)
    err6 = np.max(np.abs(S6.ravel()[sub] - ref) / ref)
    print(f"  ours (Schur + inverse Lanczos, rtol 1e-10): {t_ours:8.2f} s   max rel. error on the subset {err:.1e}")
    print(f"  ours (Schur + inverse Lanczos, rtol 1e-6) : {t_ours6:8.2f} s   max rel. error on the subset {err6:.1e}")
    print(f"  naive svdvals(zI - A) per point: {t_naive_ps:8.2f} s  (EXTRAPOLATED from {sub.size} points: "
          f"{t_sub:.2f} s)")
    print(f"  svdvals(zI - T) per point      : {t_tri:8.2f} s  (EXTRAPOLATED from 100 points)")
    print(f"  speed-up vs naive: x{t_naive_ps / t_ours:.1f} (rtol 1e-10), x{t_naive_ps / t_ours6:.1f} (rtol 1e-6)")


if __name__ == "__main__":
    main()
