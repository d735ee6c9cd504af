"""Gradient proofs and consistency tests for every model in linrec.models.

Every parameter of every model is checked against central differences (Richardson-estimated
tolerance, see linrec.testing.check_grad) at random parameters, and against the complex step
where the forward pass is real-analytic in the parameters (real-valued models without abs,
conj or comparisons on the perturbed path). Sizes are tiny (T <= 9, N = 3) so that the whole
file runs in a few seconds.
"""

import zlib

import numpy as np
import pytest

from linrec import models
from linrec.models.losses import accuracy, cross_entropy, mse
from linrec.reparam import reparam
from linrec.testing import check_grad

T, B, DIN, DOUT = 7, 3, 2, 2


def _jitter(p, rng, scale=0.05):
    return {k: v + scale * rng.standard_normal(v.shape) for k, v in p.items()}


def _data(model, rng, T=T):
    x = rng.standard_normal((T, B, model.input_dim))
    target = rng.standard_normal((T, B, model.output_dim))
    mask = np.ones(T, bool)
    mask[:2] = False  # partial mask: exercises zero gradients on unmasked steps
    return x, target, mask


LTI = {
    "diag_complex_direct": lambda **kw: models.LinearDiagonal(DIN, 3, DOUT, r_min=0.3, r_max=0.9, **kw),
    "diag_complex_gamma_fixed": lambda **kw: models.LinearDiagonal(DIN, 3, DOUT, gamma="fixed", r_min=0.3,
                                                                   r_max=0.9, **kw),
    "diag_complex_polar_learned": lambda **kw: models.LinearDiagonal(DIN, 3, DOUT, lam_param="polar",
                                                                     gamma="learned", r_min=0.3, r_max=0.9, **kw),
    "diag_complex_gap_angle_fixed": lambda **kw: models.LinearDiagonal(DIN, 3, DOUT, lam_param="gap_angle",
                                                                       gamma="fixed", r_min=0.3, r_max=0.9, **kw),
    "lru": lambda **kw: models.LRU(DIN, 3, DOUT, r_min=0.3, r_max=0.9, **kw),
    "diag_real_direct": lambda **kw: models.LinearDiagonal(DIN, 3, DOUT, complex=False, r_min=0.2, r_max=0.9, **kw),
    "diag_real_sigmoid_fixed": lambda **kw: models.LinearDiagonal(DIN, 3, DOUT, complex=False, lam_param="sigmoid",
                                                                  gamma="fixed", r_min=0.2, r_max=0.9, **kw),
    "diag_real_exp_learned": lambda **kw: models.LinearDiagonal(DIN, 3, DOUT, complex=False, lam_param="exp",
                                                                gamma="learned", r_min=0.2, r_max=0.9, **kw),
    "diag_real_tanh_nofeed": lambda **kw: models.LinearDiagonal(DIN, 3, DOUT, complex=False, lam_param="tanh",
                                                                feedthrough=False, r_min=0.2, r_max=0.9, **kw),
    "diag_real_best": lambda **kw: models.LinearDiagonal(DIN, 3, DOUT, complex=False, lam_param="best",
                                                         r_min=0.2, r_max=0.9, **kw),
    "ssm_direct": lambda **kw: models.DiagonalSSM(DIN, 3, DOUT, reparam="direct", delta=0.3, **kw),
    "ssm_exp": lambda **kw: models.DiagonalSSM(DIN, 3, DOUT, reparam="exp", delta=0.3, **kw),
    "ssm_softplus": lambda **kw: models.DiagonalSSM(DIN, 3, DOUT, reparam="softplus", delta=0.3, **kw),
    "ssm_best": lambda **kw: models.DiagonalSSM(DIN, 3, DOUT, reparam="best", delta=0.3, **kw),
    "ssm_complex_softplus": lambda **kw: models.DiagonalSSM(DIN, 3, DOUT, reparam="softplus", delta=0.3,
                                                            complex=True, **kw),
    # StableSSM's "best" map with their b = 0.1 (and a != 1), by keywords and by a Reparam object
    "ssm_best_a2_b01": lambda **kw: models.DiagonalSSM(DIN, 3, DOUT, reparam="best", delta=0.3,
                                                       reparam_kwargs={"a": 2.0, "b": 0.1}, **kw),
    "ssm_complex_best_obj": lambda **kw: models.DiagonalSSM(DIN, 3, DOUT, reparam=reparam("best", a=0.5, b=0.1),
                                                            delta=0.3, complex=True, **kw),
    "dense": lambda **kw: models.DenseLinear(DIN, 3, DOUT, **kw),
    "block": lambda **kw: models.BlockDiagonal(DIN, 2, DOUT, r_min=0.3, r_max=0.9, **kw),
}
# real-analytic forward in the parameters on this path (complex step applies)
COMPLEX_STEP_LTI = {("dense", "conv"), ("dense", "scan"), ("block", "conv"), ("block", "scan"),
                    ("diag_real_direct", "scan"), ("diag_real_tanh_nofeed", "scan")}
# (gamma="fixed" goes through the map's gap 1 - |lam|, which is not analytic)


@pytest.mark.parametrize("path", ["conv", "scan"])
@pytest.mark.parametrize("name", sorted(LTI))
def test_lti_gradients(name, path):
    rng = np.random.default_rng(zlib.crc32(f"{name}-{path}".encode()))  # stable across processes
    m = LTI[name](path=path)
    p = m.init(rng)
    if name.startswith("dense") or name.startswith("block"):
        p = _jitter(p, rng, 0.02)
    x, target, mask = _data(m, rng)
    h0 = None
    if path == "scan":
        h0 = rng.standard_normal((B, m.hidden)) * 0.5
        if getattr(m, "complex", False):
            h0 = h0 + 1j * rng.standard_normal((B, m.hidden)) * 0.5
    L, g = m.loss_and_grad(p, x, target, mask, h0=h0)
    assert set(g) == set(p) and all(g[k].shape == p[k].shape and g[k].dtype == np.float64 for k in p)
    assert L == pytest.approx(m.loss(p, x, target, mask, h0=h0), rel=1e-13)
    check_grad(lambda q: m.loss(q, x, target, mask, h0=h0), p, g,
               complex_step=(name, path) in COMPLEX_STEP_LTI)


@pytest.mark.parametrize("name", sorted(LTI))
def test_lti_paths_agree_and_impulse_response(name):
    rng = np.random.default_rng(7)
    m_conv, m_scan = LTI[name](path="conv"), LTI[name](path="scan")
    p = m_conv.init(rng)
    x = rng.standard_normal((60, 2, DIN))  # T >= 48: FFT convolution
    y1, y2 = m_conv.forward(p, x), m_scan.forward(p, x)
    # both are sums of <= 60 terms of O(1): rounding O(T eps) relative to the largest term
    np.testing.assert_allclose(y1, y2, atol=1e-11 * max(1.0, np.abs(y2).max()))
    # impulse response = outputs for unit impulses on each input channel
    k = m_conv.impulse_response(p, 12)
    for i in range(DIN):
        e = np.zeros((12, 1, DIN))
        e[0, 0, i] = 1.0
        np.testing.assert_allclose(m_scan.forward(p, e)[:, 0, :], k[:, :, i], atol=1e-12)
    lam = m_conv.eigenvalues(p)
    assert lam.shape == (m_conv.hidden,) and np.all(np.abs(lam) < 1)


@pytest.mark.parametrize("name", ["lru", "dense", "diag_real_sigmoid_fixed", "ssm_softplus"])
def test_population_loss_gradient_and_expectation(name):
    rng = np.random.default_rng(3)
    m = LTI[name]()
    p = m.init(rng)
    kt = rng.standard_normal((T, DOUT, DIN)) * 0.5
    L, g = m.population_loss_and_grad(p, kt)
    check_grad(lambda q: m.population_loss_and_grad(q, kt)[0], p, g)
    # the population loss is the exact expectation of the mse loss over white-noise inputs:
    # average the mse over n independent batches; its Monte-Carlo standard error is estimated
    n, Bn = 400, 50
    vals = []
    for _ in range(n):
        x = rng.standard_normal((T, Bn, DIN))
        from linrec.models.conv import causal_conv

        vals.append(mse(m.forward(p, x), causal_conv(x, kt))[0])
    se = np.std(vals) / np.sqrt(n)
    assert abs(np.mean(vals) - L) < 5 * se  # 5 standard errors: false-failure rate < 1e-6


NONLIN = {
    "elman_tanh": (lambda: models.ElmanRNN(DIN, 3, DOUT, radius=0.9), True),
    "elman_sigmoid": (lambda: models.ElmanRNN(DIN, 3, DOUT, activation="sigmoid", radius=1.5), True),
    "elman_relu": (lambda: models.ElmanRNN(DIN, 3, DOUT, activation="relu", init_scheme="orthogonal",
                                           radius=0.9), False),
    "gru": (lambda: models.GRU(DIN, 3, DOUT), True),
    "lstm": (lambda: models.LSTM(DIN, 3, DOUT), True),
    "mingru_par": (lambda: models.MinGRU(DIN, 3, DOUT), False),
    "mingru_seq": (lambda: models.MinGRU(DIN, 3, DOUT, mode="sequential"), False),
    "mingru_linear_cand": (lambda: models.MinGRU(DIN, 3, DOUT, positive=False), False),
    "minlstm_norm": (lambda: models.MinLSTM(DIN, 3, DOUT), False),
    "minlstm_nonorm": (lambda: models.MinLSTM(DIN, 3, DOUT, normalize=False), False),
    "minlstm_seq_linear": (lambda: models.MinLSTM(DIN, 3, DOUT, mode="sequential", positive=False), False),
    "mingru_2layers": (lambda: models.MinGRU(DIN, 3, DOUT, layers=2), False),
    "mingru_log": (lambda: models.MinGRU(DIN, 3, DOUT, scan_method="log"), False),
    "minlstm_log": (lambda: models.MinLSTM(DIN, 3, DOUT, scan_method="log"), False),
    "minlstm_3layers_residual": (lambda: models.MinLSTM(DIN, 3, DOUT, layers=3, residual=True), False),
}


@pytest.mark.parametrize("with_h0", [False, True])
@pytest.mark.parametrize("name", sorted(NONLIN))
def test_nonlinear_gradients(name, with_h0):
    make, cs = NONLIN[name]
    rng = np.random.default_rng(zlib.crc32(f"{name}-{with_h0}".encode()))
    m = make()
    p = _jitter(m.init(rng), rng, 0.3)
    x, target, mask = _data(m, rng)
    width = 2 * m.hidden if isinstance(m, models.LSTM) else m.hidden * getattr(m, "layers", 1)
    h0 = np.abs(rng.standard_normal((B, width))) if with_h0 else None
    L, g = m.loss_and_grad(p, x, target, mask, h0=h0)
    assert set(g) == set(p) and all(g[k].shape == p[k].shape for k in p)
    check_grad(lambda q: m.loss(q, x, target, mask, h0=h0), p, g, complex_step=cs)


def test_cross_entropy_gradient_through_a_model():
    rng = np.random.default_rng(5)
    m = models.GRU(DIN, 3, 4)
    p = m.init(rng)
    x = rng.standard_normal((T, B, DIN))
    target = rng.integers(4, size=(T, B))
    mask = np.zeros(T, bool)
    mask[-2:] = True
    L, g = m.loss_and_grad(p, x, target, mask, loss="ce")
    check_grad(lambda q: m.loss(q, x, target, mask, loss="ce"), p, g)
    z = m.forward(p, x)
    assert 0.0 <= accuracy(z, target, mask) <= 1.0
    assert cross_entropy(z, target, mask)[0] == pytest.approx(L)


@pytest.mark.parametrize("cls,kw,method", [
    (cls, kw, method)
    for cls, kw in ((models.MinGRU, {}), (models.MinLSTM, {}), (models.MinLSTM, {"normalize": False}),
                    (models.MinGRU, {"positive": False}))
    for method in (None, "log", "chunked", "tree")
    if not (method == "log" and kw.get("positive") is False)])  # log space needs a candidate >= 0
def test_minrnn_parallel_equals_sequential_with_h0(cls, kw, method):
    rng = np.random.default_rng(11)
    par, seq = cls(3, 5, 2, scan_method=method, **kw), cls(3, 5, 2, mode="sequential", **kw)
    p = par.init(rng)
    x = rng.standard_normal((200, 4, 3))
    h0s = [None, np.abs(rng.standard_normal((4, 5))), rng.standard_normal((4, 5))]
    for h0 in h0s[:2] if method == "log" else h0s:  # log space: non-negative h0 only
        y1, h1 = par.forward(p, x, h0, return_states=True)
        y2, h2 = seq.forward(p, x, h0, return_states=True)
        # O(T eps) rounding of a contraction (|a| < 1) relative to the state scale
        np.testing.assert_allclose(h1, h2, rtol=1e-11, atol=1e-12)
        np.testing.assert_allclose(y1, y2, rtol=1e-11, atol=1e-12)


@pytest.mark.parametrize("cls", [models.MinGRU, models.MinLSTM])
def test_minrnn_default_scan_is_chunked(cls):
    # the default parallel scan is the chunked one (faster and more accurate on a CPU than the
    # log-space scan, see linrec.models.minrnn); "log" stays available and agrees to rounding
    m = cls(3, 4, 1)
    assert m.scan_method == "chunked" and cls(3, 4, 1, scan_method=None).scan_method == "chunked"
    p = m.init(0)
    x = np.random.default_rng(2).standard_normal((300, 2, 3))
    h0 = np.full((2, 4), -0.5)  # a negative initial state: the log-space scan does not apply
    y = m.forward(p, x, h0)
    np.testing.assert_array_equal(y, cls(3, 4, 1, scan_method="chunked").forward(p, x, h0))
    with pytest.raises(ValueError):
        cls(3, 4, 1, scan_method="log").forward(p, x, h0)
    # O(T eps) relative rounding of both scans on a contraction
    np.testing.assert_allclose(cls(3, 4, 1, scan_method="log").forward(p, x), m.forward(p, x), rtol=1e-11, atol=1e-13)
    with pytest.raises(ValueError, match="scan_method"):
        cls(3, 4, 1, scan_method="fft")


def test_minlstm_normalised_gates_sum_to_one():
    m = models.MinLSTM(1, 2, 1)
    p = m.init(0)
    x = np.random.default_rng(0).normal(size=(5, 1, 1))
    a, i, _, _ = m._ab(p, x)
    np.testing.assert_allclose(a + i, 1.0, rtol=1e-15)
    a2, i2, _, _ = models.MinLSTM(1, 2, 1, normalize=False)._ab(p, x)
    np.testing.assert_allclose(a2 / (a2 + i2), a, rtol=1e-14)


def test_lstm_state_convention_and_gru_update_gate():
    # GRU with the update gate saturated at 1 keeps its state (PyTorch convention z * h)
    m = models.GRU(1, 2, 1)
    p = m.init(0)
    p["bh"] = p["bh"].copy()
    p["bh"][2:4] = 50.0
    h0 = np.array([[0.3, -0.7]])
    _, h = m.forward(p, np.zeros((3, 1, 1)), h0, return_states=True)
    np.testing.assert_allclose(h[-1], h0, atol=1e-15)
    lstm = models.LSTM(1, 2, 1)
    _, s = lstm.forward(lstm.init(0), np.zeros((2, 1, 1)), np.zeros((1, 4)), return_states=True)
    assert s.shape == (2, 1, 4)


def test_lru_init_gamma_and_ring():
    m = models.LRU(1, 500, 1, r_min=0.9, r_max=0.999, max_phase=np.pi)
    p = m.init(0)
    lam = m.eigenvalues(p)
    assert np.all(np.abs(lam) >= 0.9 - 1e-12) and np.all(np.abs(lam) < 0.999)
    np.testing.assert_allclose(np.exp(p["gamma_log"]), np.sqrt(1 - np.abs(lam) ** 2), rtol=1e-10)
    # uniform in area: P(|lam|^2 <= (r_min^2 + r_max^2)/2) = 1/2, binomial se = 0.5/sqrt(500)
    frac = np.mean(np.abs(lam) ** 2 <= (0.81 + 0.999**2) / 2)
    assert abs(frac - 0.5) < 4 * 0.5 / np.sqrt(500)


def test_errors():
    m = models.LRU(1, 2, 1)
    p = m.init(0)
    with pytest.raises(ValueError, match="x must have shape"):
        m.forward(p, np.zeros((3, 2)))
    with pytest.raises(ValueError, match="params must have keys"):
        m.forward({"nu": p["nu"]}, np.zeros((3, 1, 1)))
    with pytest.raises(ValueError, match="path='conv'"):
        models.LRU(1, 2, 1, path="conv").forward(p, np.zeros((3, 1, 1)), np.zeros((1, 2)))
    with pytest.raises(ValueError, match="h0 must have shape"):
        m.forward(p, np.zeros((3, 1, 1)), np.zeros((2, 2)))
    with pytest.raises(ValueError, match="lam_param"):
        models.LinearDiagonal(1, 2, 1, complex=False, lam_param="polar")
    with pytest.raises(ValueError, match="gamma"):
        models.LinearDiagonal(1, 2, 1, gamma="sqrt")
    with pytest.raises(ValueError, match="r_min"):
        models.LRU(1, 2, 1, r_min=0.9, r_max=0.5)
    with pytest.raises(ValueError, match="delta"):
        models.DiagonalSSM(1, 2, 1, delta=0.0)
    with pytest.raises(ValueError, match="activation"):
        models.ElmanRNN(1, 2, 1, activation="gelu")
    with pytest.raises(ValueError, match="mode"):
        models.MinGRU(1, 2, 1, mode="fast")
    with pytest.raises(ValueError, match="hidden"):
        models.GRU(1, 0, 1)
    with pytest.raises(ValueError, match="k_target"):
        m.population_loss_and_grad(p, np.zeros((5, 1)))
    with pytest.raises(ValueError, match="mask"):
        mse(np.zeros((3, 1, 1)), np.zeros((3, 1, 1)), np.zeros(3, bool))
    with pytest.raises(ValueError, match="loss"):
        m.loss_and_grad(p, np.zeros((3, 1, 1)), np.zeros((3, 1, 1)), loss="l1")


def test_ssm_reparam_parameters():
    from linrec.reparam import reparam as rp

    m = models.DiagonalSSM(1, 4, 1, reparam="best", reparam_kwargs={"a": 2.0, "b": 0.1}, lam_min=0.1, lam_max=50.0)
    p = m.init(0)
    # lam_c = -1/(a w^2 + b) with a = 2, b = 0.1, in [-1/b, 0) = [-10, 0) (init clips rates > 10 to it)
    lam_c = m.continuous_eigenvalues(p)
    np.testing.assert_allclose(lam_c, -1.0 / (2.0 * p["w"] ** 2 + 0.1), rtol=1e-14)
    assert np.all((lam_c >= -10.0) & (lam_c < 0))
    fast = models.DiagonalSSM(1, 3, 1, reparam="best", reparam_kwargs={"b": 0.1}, lam_min=20.0, lam_max=50.0)
    np.testing.assert_allclose(fast.continuous_eigenvalues(fast.init(0)), -10.0, rtol=2e-6)
    np.testing.assert_allclose(m.eigenvalues(p), np.exp(0.1 * lam_c), rtol=1e-14)
    assert m.reparam == "best" and m.reparam_map == rp("best", a=2.0, b=0.1) and "'b': 0.1" in repr(m)
    # a Reparam object is the same model
    m2 = models.DiagonalSSM(1, 4, 1, reparam=rp("best", a=2.0, b=0.1), lam_min=0.1, lam_max=50.0)
    np.testing.assert_array_equal(m2.init(0)["w"], p["w"])
    # defaults unchanged: a = 1, b = 1/2
    assert models.DiagonalSSM(1, 2, 1, reparam="best").reparam_map == rp("best", a=1.0, b=0.5)
    with pytest.raises(ValueError, match="only to the 'best' map"):
        models.DiagonalSSM(1, 2, 1, reparam="exp", reparam_kwargs={"b": 0.1})
    with pytest.raises(ValueError, match="only 'a' and 'b'"):
        models.DiagonalSSM(1, 2, 1, reparam="best", reparam_kwargs={"c": 0.1})
    with pytest.raises(ValueError, match="must be empty"):
        models.DiagonalSSM(1, 2, 1, reparam=rp("best", b=0.1), reparam_kwargs={"b": 0.2})
    with pytest.raises(ValueError, match="continuous-time"):
        models.DiagonalSSM(1, 2, 1, reparam=rp("sigmoid", time="discrete"))
    with pytest.raises(ValueError, match="b must be > 0"):
        models.DiagonalSSM(1, 2, 1, reparam="best", reparam_kwargs={"b": -1.0})


def test_domain_violation_and_parameter_domain_error():
    m = models.DiagonalSSM(1, 3, 1, reparam="direct")
    p = m.init(0)
    assert m.domain_violation(p) == "" and m.check_domain(p) is None
    p["w"][2] = 0.0  # boundary lam_c = 0 excluded by the open domain (-inf, 0)
    assert "w[2] = 0.0" in m.domain_violation(p)
    x = np.zeros((5, 1, 1))
    for call in (lambda: m.forward(p, x), lambda: m.eigenvalues(p), lambda: m.continuous_eigenvalues(p),
                 lambda: m.population_loss_and_grad(p, np.zeros((5, 1, 1)))):
        with pytest.raises(models.ParameterDomainError, match="domain of the continuous 'direct' map"):
            call()
    assert issubclass(models.ParameterDomainError, ValueError)
    # unconstrained maps never violate
    for mm in (models.DiagonalSSM(1, 2, 1, reparam="exp"), models.LRU(1, 2, 1), models.GRU(1, 2, 1)):
        q = {k: v + 100.0 for k, v in mm.init(0).items()}
        assert mm.domain_violation(q) == ""
    # the complex polar map needs nu in [0, 1)
    mp = models.LinearDiagonal(1, 3, 1, lam_param="polar")
    q = mp.init(0)
    assert mp.domain_violation(q) == ""
    q["nu"][0] = -0.1
    assert mp.domain_violation(q).startswith("nu must lie in [0.0, 1.0)")
    with pytest.raises(models.ParameterDomainError):
        mp.forward(q, x)


def test_pascanu_omega_regulariser():
    from linrec.models.nonlinear import _omega

    rng = np.random.default_rng(8)
    m = models.ElmanRNN(2, 4, 1, radius=1.2, omega=2.0)
    p = m.init(rng)
    x, target, mask = _data(m, rng)
    om, gW = m.omega_and_grad(p, x, target, mask)
    assert om > 0
    # the direct W-gradient (adjoints and states frozen, as in Pascanu's code) against differences
    d = rng.standard_normal((T, B, 4))
    delta = rng.standard_normal((T, B, 4))
    delta[0, 0] = 0.0  # one entry below the bound: excluded
    val, g = _omega(p["W"], d, delta, 1e-20)
    check_grad(lambda W: _omega(W, d, delta, 1e-20)[0], p["W"], g, complex_step=False)
    # loss_and_grad adds alpha * dOmega/dW to the task gradient of W only
    plain = models.ElmanRNN(2, 4, 1, radius=1.2)
    L0, g0 = plain.loss_and_grad(p, x, target, mask)
    L1, g1 = m.loss_and_grad(p, x, target, mask)
    assert L0 == L1
    np.testing.assert_allclose(g1["W"], g0["W"] + 2.0 * gW, rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(g1["U"], g0["U"])
    with pytest.raises(ValueError, match="omega"):
        models.ElmanRNN(2, 4, 1, omega=-1.0)


def test_pascanu_sparse_init():
    m = models.ElmanRNN(2, 50, 1, init_scheme="sparse", radius=0.95)
    W = m.init(0)["W"]
    assert np.all(np.count_nonzero(W, axis=1) == 15)
    assert np.max(np.abs(np.linalg.eigvals(W))) == pytest.approx(0.95, rel=1e-12)


def test_inline_lru_map_matches_reparam():
    from linrec.reparam import complex_reparam

    m = models.LRU(1, 5, 1)
    p = m.init(0)
    cmap = complex_reparam("lru")
    np.testing.assert_allclose(m.eigenvalues(p), cmap.f(p["nu"], p["theta"]), rtol=1e-15)
    gl = np.random.default_rng(0).standard_normal(5) + 1j
    g = m._effective_vjp(p, m._effective(p)[4], gl, np.zeros((5, 1), complex), np.zeros((1, 5), complex), None)
    np.testing.assert_allclose(g["nu"], np.real(np.conj(gl) * cmap.d_nu(p["nu"], p["theta"])), rtol=1e-14)
    np.testing.assert_allclose(g["theta"], np.real(np.conj(gl) * cmap.d_theta(p["nu"], p["theta"])), rtol=1e-14)


def test_sigmoid_pair_matches_softplus_form():
    from linrec.models.minrnn import _sig_pair, _softplus

    x = np.concatenate([np.linspace(-700, 700, 2001), [0.0, -1e-300, 1e-300]])
    s, sm = _sig_pair(x)
    # exp(-softplus(-x)) is the log-space gate of Feng et al.; exp(y) has relative error |y| eps from
    # the rounding of its argument y = -softplus(-x) (|y| <= |x| + log 2), plus a few eps
    eps = np.finfo(float).eps
    tol = (np.abs(x) + 4.0) * eps
    for got, ref in ((s, np.exp(-_softplus(-x))), (sm, np.exp(-_softplus(x)))):
        assert np.all(np.abs(got - ref) <= tol * ref)


@pytest.mark.parametrize("name", ["dense", "block", "lru", "diag_complex_gamma_fixed", "ssm_complex_softplus",
                                  "diag_real_sigmoid_fixed"])
def test_conv_and_scan_gradients_agree_at_long_T(name):
    # T = 100 exercises the FFT convolution, all doubling levels of the dense kernel and its
    # reverse accumulation; the scan path is an independent BPTT through the states
    rng = np.random.default_rng(21)
    mc, ms = LTI[name](path="conv"), LTI[name](path="scan")
    p = mc.init(rng)
    x, target, mask = _data(mc, rng, T=100)
    L1, g1 = mc.loss_and_grad(p, x, target, mask)
    L2, g2 = ms.loss_and_grad(p, x, target, mask)
    assert L1 == pytest.approx(L2, rel=1e-11)
    for k in p:  # sums of ~T B terms in different orders: O(T eps) relative to the largest entry
        np.testing.assert_allclose(g1[k], g2[k], rtol=0, atol=1e-11 * max(1.0, np.abs(g2[k]).max()))
