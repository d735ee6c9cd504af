"""feng2024_minrnn claims on the models: the parallel (log-space scan) and sequential minGRU /
minLSTM agree to within the scan's rounding bounds, and the parameter counts of the paper."""

import numpy as np
import pytest

from linrec import models
from linrec.scan import log_scan_error_bound, rounding_bound


@pytest.mark.claim
@pytest.mark.parametrize("cls", [models.MinGRU, models.MinLSTM])
def test_parallel_and_sequential_agree(claim, cls):
    rng = np.random.default_rng(0)
    T, B, din, N = 1000, 4, 3, 8
    # the log-space scan explicitly: the default parallel scan became "chunked" (faster on CPU)
    par, seq = cls(din, N, 1, scan_method="log"), cls(din, N, 1, mode="sequential")
    p = par.init(rng)
    x = rng.standard_normal((T, B, din))
    h0 = np.abs(rng.standard_normal((B, N))) + 0.1  # nonzero initial state
    _, hp = par.forward(p, x, h0, return_states=True)
    _, hs = seq.forward(p, x, h0, return_states=True)
    a, coef, cand, _ = par._ab(p, x)
    b = coef * cand
    # |h_log - h| <= r_log h (first order in u) and |h_seq - h| <= R_seq: so
    # |h_log - h_seq| <= r_log (|h_seq| + R_seq) + R_seq
    r_log = log_scan_error_bound(a, b, h0)
    r_seq = rounding_bound(a, b, h0, method="sequential")
    bound = r_log * (np.abs(hs) + r_seq) + r_seq
    name = cls.__name__
    claim.check_bound(paper="feng2024_minrnn", equation="Sec. 3 / App. B (log-space parallel scan)",
                      statement=f"{name}: the parallel (Heinsen log-space scan) and sequential modes give the "
                                "same states from a nonzero h0, within the scans' rounding bounds",
                      bound=1.0, measured=np.max(np.abs(hp - hs) / bound), relation="<=", slack=1e-6,
                      why="rigorous sequential bound + first-order log-scan bound; slack for the O(u^2) terms")


@pytest.mark.claim
def test_parameter_counts(claim):
    din, N = 64, 64
    counts = {}
    for cls in (models.MinGRU, models.MinLSTM, models.GRU, models.LSTM):
        p = cls(din, N, 1).init(0)
        counts[cls.__name__] = sum(v.size for k, v in p.items() if k not in ("C", "c"))  # without readout
    predicted = {"MinGRU": 2 * N * din + 2 * N, "MinLSTM": 3 * N * din + 3 * N,
                 "GRU": 3 * (N * din + N * N + 2 * N), "LSTM": 4 * (N * din + N * N) + 4 * N}
    names = list(predicted)
    claim.check(paper="feng2024_minrnn", equation="Sec. 3.1-3.2 (parameter counts)",
                statement="minGRU has 2 d_h d_x (+ biases) parameters and minLSTM 3 d_h d_x, against "
                          "3 d_h (d_x + d_h) for GRU and 4 d_h (d_x + d_h) for LSTM",
                predicted=[predicted[n] for n in names], measured=[counts[n] for n in names], rtol=0.0, atol=0.5,
                why="integer counts: exact")
    # at d_x = d_h the minimal versions use 1/3 (minGRU vs GRU) and 3/8 (minLSTM vs LSTM) of the weights
    assert counts["MinGRU"] / counts["GRU"] < 0.35 and counts["MinLSTM"] / counts["LSTM"] < 0.4
