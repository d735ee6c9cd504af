"""SelectiveRNN (diagonal selective linear RNN, positive or signed gates) and the parity helpers of
linrec.experiments.grazzi2025_parity: recurrence against a step-by-step loop, gate ranges, exact
gradients against central differences (float64, both gate modes, both losses), input checks."""

import numpy as np
import pytest

from linrec.experiments import grazzi2025_parity as G
from linrec.models import SelectiveRNN
from linrec.testing import check_grad

EPS = np.finfo(float).eps
GATES = ("positive", "signed")


def _loop(p, x, h0, gate):
    """Independent reference: the recurrence step by step with numpy's own sigmoid / tanh."""
    T, B, _ = x.shape
    h = np.zeros((B, p["Wa"].shape[0])) if h0 is None else h0.copy()
    ys, hs = [], []
    for t in range(T):
        k = x[t] @ p["Wa"].T + p["ca"]
        a = 1.0 / (1.0 + np.exp(-k)) if gate == "positive" else np.tanh(k / 2.0)
        h = a * h + x[t] @ p["Wb"].T + p["cb"]
        hs.append(h)
        ys.append(h @ p["C"].T + p["d"])
    return np.array(ys), np.array(hs)


@pytest.mark.parametrize("gate", GATES)
@pytest.mark.parametrize("with_h0", [False, True])
def test_forward_matches_step_by_step_loop(gate, with_h0):
    m = SelectiveRNN(3, 5, 2, gate=gate)
    p = m.init(0)
    rng = np.random.default_rng(1)
    x = rng.normal(size=(30, 4, 3))
    h0 = rng.normal(size=(4, 5)) if with_h0 else None
    y, h = m.forward(p, x, h0, return_states=True)
    y_ref, h_ref = _loop(p, x, h0, gate)
    # |a| < 1: every state is a convex-like sum of O(30) terms, rounding O(T eps) relative to its scale
    scale = np.max(np.abs(h_ref))
    np.testing.assert_allclose(h, h_ref, rtol=0, atol=60 * 30 * EPS * scale)
    np.testing.assert_allclose(y, y_ref, rtol=0, atol=60 * 30 * EPS * scale * (1 + np.abs(p["C"]).sum()))


@pytest.mark.parametrize("gate", GATES)
def test_chunked_scan_gives_the_same_states(gate):
    m_seq = SelectiveRNN(1, 4, 2, gate=gate, scan_method="sequential")
    m_chk = SelectiveRNN(1, 4, 2, gate=gate, scan_method="chunked")
    p = m_seq.init(2)
    x = G.parity_batch(3, 3, 500).x
    a, b = m_seq.forward(p, x), m_chk.forward(p, x)
    # both O(T eps) accurate (|a| < 1, states bounded by max|b| / (1 - max|a|)); T = 500
    np.testing.assert_allclose(a, b, rtol=0, atol=500 * 8 * EPS * np.max(np.abs(a)))


def test_gate_ranges_and_signed_is_tanh_half():
    k = np.linspace(-40, 40, 2001)
    x = k[:, None, None]
    for gate, lo in (("positive", 0.0), ("signed", -1.0)):
        m = SelectiveRNN(1, 1, 1, gate=gate)
        p = {**m.init(0), "Wa": np.ones((1, 1)), "ca": np.zeros(1)}
        a = m.gates(p, x)[:, 0, 0]
        assert np.all(a >= lo) and np.all(a <= 1.0)
        if gate == "signed":
            # 2 s(k) - 1 = tanh(k/2) exactly in real arithmetic; s - (1 - s) formed without
            # cancelling 1 keeps a relative error of a few eps even near k = 0
            np.testing.assert_allclose(a, np.tanh(k / 2), rtol=8 * EPS, atol=0)
            assert np.all(np.sign(a) == np.sign(k))
        else:
            np.testing.assert_allclose(a, 1 / (1 + np.exp(-k)), rtol=8 * EPS, atol=0)
            assert np.all(a > 0)  # strictly positive even at k = -40 (no underflow to 0)


@pytest.mark.parametrize("gate", GATES)
@pytest.mark.parametrize("loss", ["mse", "ce"])
def test_gradient_matches_central_differences(gate, loss):
    m = SelectiveRNN(2, 3, 2, gate=gate)
    rng = np.random.default_rng(4)
    p = {k: v + 0.5 * rng.standard_normal(v.shape) for k, v in m.init(5).items()}  # d != 0 too
    x = rng.normal(size=(8, 3, 2))
    h0 = rng.normal(size=(3, 3))
    target = rng.normal(size=(8, 3, 2)) if loss == "mse" else rng.integers(0, 2, (8, 3))
    mask = np.arange(8) % 3 != 1
    L, g = m.loss_and_grad(p, x, target, mask, loss=loss, h0=h0)
    assert L == pytest.approx(m.loss(p, x, target, mask, loss=loss, h0=h0), rel=4 * EPS)
    assert list(g) == list(p) and all(g[k].shape == p[k].shape for k in p)
    # check_grad: Richardson-estimated truncation + cond * eps rounding (float64 central differences)
    res = check_grad(lambda q: m.loss(q, x, target, mask, loss=loss, h0=h0), p, g)
    assert res.ok


@pytest.mark.parametrize("gate", GATES)
def test_gradient_on_parity_batch_last_step_only(gate):
    m = SelectiveRNN(1, 4, 2, gate=gate)
    p = m.init(6)
    b = G.parity_batch(7, 5, 12)
    mask = np.zeros(12, bool)
    mask[-1] = True
    L, g = m.loss_and_grad(p, b.x, b.target, mask, loss="ce")
    assert check_grad(lambda q: m.loss(q, b.x, b.target, mask, loss="ce"), p, g).ok


def test_bad_input_is_rejected_with_the_argument_named():
    with pytest.raises(ValueError, match="gate"):
        SelectiveRNN(1, 2, 1, gate="negative")
    with pytest.raises(ValueError, match="scan_method"):
        SelectiveRNN(1, 2, 1, scan_method="log")
    with pytest.raises(ValueError, match="hidden"):
        SelectiveRNN(1, 0, 1)
    m = SelectiveRNN(2, 3, 1)
    p = m.init(0)
    with pytest.raises(ValueError, match="x must have shape"):
        m.forward(p, np.zeros((4, 2, 3)))
    with pytest.raises(ValueError, match="h0 must have shape"):
        m.forward(p, np.zeros((4, 2, 2)), np.zeros((2, 4)))
    with pytest.raises(ValueError, match="params must have keys"):
        m.forward({k: v for k, v in p.items() if k != "d"}, np.zeros((4, 2, 2)))


def test_init_is_deterministic_and_inputs_are_not_mutated():
    m = SelectiveRNN(1, 3, 2, gate="signed")
    p1, p2 = m.init(11), m.init(11)
    assert all(np.array_equal(p1[k], p2[k]) for k in p1)
    x = G.parity_batch(0, 2, 6).x
    before = {k: v.copy() for k, v in p1.items()}
    x0 = x.copy()
    m.loss_and_grad(p1, x, np.zeros((6, 2), int), loss="ce")
    assert all(np.array_equal(p1[k], before[k]) for k in p1) and np.array_equal(x, x0)
    assert m.eigenvalues(p1) is None and repr(m) == "SelectiveRNN(1, 3, 2, gate='signed')"


def test_parity_batch_and_sign_changes():
    b = G.parity_batch(0, 64, 20)
    assert b.x.shape == (20, 64, 1) and b.target.shape == (20, 64) and b.mask.all()
    assert np.array_equal(b.target, np.cumsum(b.x[..., 0].astype(int), axis=0) % 2)
    assert set(np.unique(b.x)) <= {0.0, 1.0}
    assert G.sign_changes([1.0, -1.0, 1.0, -1.0]) == 3
    assert G.sign_changes([1.0, 0.0, 2.0, -3.0, 0.0, -1.0]) == 1
    assert G.sign_changes(np.array([])) == 0
    with pytest.raises(ValueError, match="f must have 1"):
        G.sign_changes(np.ones((2, 2)))
    with pytest.raises(ValueError, match="x must contain only 0 and 1"):
        G.signed_parity_states([0.0, 0.5])
    with pytest.raises(ValueError, match="bases must be distinct"):
        G.alternating_positive_model([0.5, 0.5])
    with pytest.raises(TypeError, match="model must be a SelectiveRNN"):
        G.readout_along_ones(SelectiveRNN(2, 2, 2), SelectiveRNN(2, 2, 2).init(0), 3)


def test_exponential_sum_matches_the_model_readout():
    for gate in GATES:
        m, p = G.random_model(3, 5, gate=gate, scale=1.0)
        lam, c = G.exponential_sum(m, p)
        f = G.readout_along_ones(m, p, 30)
        k = np.arange(31)
        ref = (c * lam ** k[:, None]).sum(1)
        # two evaluations of the same sum of 6 terms of size <= sum|c|: O(k eps) each
        assert np.max(np.abs(f - ref)) <= 64 * 31 * EPS * np.abs(c).sum()


def test_parity_run_config_checks():
    with pytest.raises(ValueError, match="unknown keys"):
        G.parity_run({"lrate": 1.0})
    with pytest.raises(ValueError, match="gate"):
        G.parity_run({"gate": "complex", "steps": 1})
    a, meta = G.parity_run({"steps": 3, "T_test": 8, "T_train": 4, "eval_every": 1, "eval_batch": 16}, rng=0)
    assert a["eval_accuracy"].shape == (4, 8) and a["gates"].shape == (2, 4)
    assert 0.0 <= meta["acc_train"] <= 1.0 and np.isfinite(meta["acc_test"])
