"""Tests of linrec.optim: update rules against hand-computed values, schedules, clipping, groups."""

import numpy as np
import pytest

from linrec import optim


def _run(opt, grads_seq, params):
    s = opt.init(params)
    out = []
    for g in grads_seq:
        u, s = opt.update(g, s, params)
        params = optim.apply_updates(params, u)
        out.append(params)
    return out


def test_adam_matches_reference_loop():
    rng = np.random.default_rng(0)
    p = {"w": rng.normal(size=3), "b": rng.normal(size=(2, 2))}
    gs = [{k: rng.normal(size=v.shape) for k, v in p.items()} for _ in range(5)]
    res = _run(optim.adam(0.01, 0.8, 0.95, 1e-6), gs, p)
    # independent loop written from Kingma & Ba, Algorithm 1
    for k in p:
        w, m, v = p[k].copy(), 0.0, 0.0
        for t, g in enumerate(gs, start=1):
            m = 0.8 * m + 0.2 * g[k]
            v = 0.95 * v + 0.05 * g[k] ** 2
            w = w - 0.01 * (m / (1 - 0.8**t)) / (np.sqrt(v / (1 - 0.95**t)) + 1e-6)
        np.testing.assert_allclose(res[-1][k], w, rtol=1e-13, atol=1e-15)


def test_adamw_decay_and_mask():
    p = {"w": np.array([2.0]), "lam": np.array([2.0])}
    opt = optim.adamw(0.1, weight_decay=0.5, decay_mask={"lam": False})
    u, _ = opt.update({"w": np.zeros(1), "lam": np.zeros(1)}, opt.init(p), p)
    assert u["w"][0] == pytest.approx(-0.1 * 0.5 * 2.0)
    assert u["lam"][0] == 0.0


def test_momentum_and_nesterov():
    p = {"w": np.zeros(1)}
    g = {"w": np.ones(1)}
    res = _run(optim.momentum(1.0, 0.5), [g, g, g], p)
    assert res[-1]["w"][0] == pytest.approx(-(1 + 1.5 + 1.75))
    res = _run(optim.momentum(1.0, 0.5, nesterov=True), [g], p)
    assert res[-1]["w"][0] == pytest.approx(-1.5)


def test_groups_and_schedules():
    p = {"nu": np.ones(1), "B": np.ones(1), "C": np.ones(1)}
    sched = optim.cosine_decay(1.0, 4, warmup_steps=2)
    opt = optim.sgd({"rec": 0.5, "default": sched}, groups={"nu": "rec"})
    s = opt.init(p)
    seen = []
    for _ in range(5):
        u, s = opt.update({k: np.ones(1) for k in p}, s, p)
        seen.append((-u["nu"][0], -u["B"][0]))
    assert [a for a, _ in seen] == [0.5] * 5
    np.testing.assert_allclose([b for _, b in seen], [0.0, 0.5, 1.0, 0.5, 0.0], atol=1e-15)
    with pytest.raises(KeyError, match="no learning rate"):
        optim.sgd({"rec": 0.5}, groups={"nu": "rec"}).update({"B": np.ones(1)}, 0, p)


def test_clip_bounds_update_and_keeps_direction():
    t = optim.clip_by_global_norm(2.0)
    g = {"a": np.array([3.0, 4.0]), "b": np.array([12.0])}
    u, _ = t.update(g, t.init(g), None)
    assert optim.global_norm(u) == pytest.approx(2.0, rel=1e-15)
    np.testing.assert_allclose(u["a"] / g["a"], 2.0 / 13.0)
    small = {"a": np.array([0.1])}
    assert t.update(small, (), None)[0]["a"][0] == 0.1


@pytest.mark.parametrize("bad", [
    lambda: optim.adam(0.1, b1=1.0), lambda: optim.clip_by_global_norm(0.0), lambda: optim.sgd(-1.0),
    lambda: optim.cosine_decay(1.0, 0), lambda: optim.cosine_decay(1.0, 5, warmup_steps=6),
    lambda: optim.momentum(0.1, beta=1.5), lambda: optim.adamw(0.1, weight_decay=-1.0),
])
def test_bad_arguments(bad):
    with pytest.raises(ValueError):
        bad()


def test_bad_types():
    with pytest.raises(TypeError, match="learning_rate"):
        optim.sgd("fast")
    with pytest.raises(TypeError, match="transforms"):
        optim.chain(lambda g: g)
    with pytest.raises(ValueError, match="updates has keys"):
        optim.apply_updates({"a": 1.0}, {"b": 1.0})


def test_pure_no_mutation():
    p = {"w": np.ones(2)}
    opt = optim.adam(0.1)
    s0 = opt.init(p)
    g = {"w": np.ones(2)}
    opt.update(g, s0, p)
    assert s0[0] == 0 and np.all(s0[1]["w"] == 0) and np.all(g["w"] == 1) and np.all(p["w"] == 1)
