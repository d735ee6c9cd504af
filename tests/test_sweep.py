"""Tests of linrec.sweep: seeding, resume, executors (process pool, dask), kill-safety, summaries."""

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from linrec.io import load_arrays, remove_stale_temporaries
from linrec.sweep import (
    add_executor_arguments,
    executor_from_args,
    expand_grid,
    load_sweep,
    plan,
    run_sweep,
    summarize,
)
from linrec.train import run_config

BASE = {"model": "LinearDiagonal", "model_kwargs": {"input_dim": 1, "hidden": 3, "output_dim": 1, "r_max": 0.9},
        "task": "teacher_student", "task_kwargs": {"n": 2, "T": 20, "teacher_seed": 0},
        "optimizer": "adam", "lr": 1e-2, "steps": 20, "batch_size": 4}


def _configs():
    return expand_grid(BASE, {"lr": [1e-2, 3e-2]})


def _snapshot(d):
    return {p.name: p.read_bytes() for p in Path(d).iterdir() if not p.name.startswith(".")}


def test_plan_seeds_follow_seedsequence_spawn():
    runs = plan(_configs(), seeds=3, base_seed=7)
    children = np.random.SeedSequence(7).spawn(6)
    for r, c in zip(runs, children):
        assert r.seed.spawn_key == c.spawn_key and r.seed.entropy == c.entropy
    assert len({r.name for r in runs}) == 6
    with pytest.raises(TypeError, match="configs"):
        plan({"lr": 1})
    with pytest.raises(ValueError, match="seeds"):
        plan(_configs(), seeds=0)


def test_serial_sweep_resume_and_summary(tmp_path):
    res = run_sweep(run_config, _configs(), tmp_path, seeds=2)
    assert res.complete and res.computed == [0, 1, 2, 3] and not res.errors
    before = _snapshot(tmp_path)
    again = run_sweep(run_config, _configs(), tmp_path, seeds=2)
    assert again.computed == [] and again.complete
    assert _snapshot(tmp_path) == before  # finished runs are not rewritten
    s = summarize(load_sweep(_configs(), tmp_path, seeds=2))
    assert [x["n"] for x in s] == [2, 2]
    v = s[0]["values"]
    assert s[0]["median"] == pytest.approx(np.median(v)) and s[0]["geomean"] == pytest.approx(np.exp(np.log(v).mean()))
    arrays, meta = res.results[0]
    assert meta["config"]["lr"] == 1e-2 and arrays["loss"].shape == (20,)


def test_summary_with_divergent_seed_and_errors(tmp_path):
    def f(cfg, rng):
        if cfg["k"] == 2:
            raise RuntimeError("boom")
        return {"x": np.zeros(1)}, {"final_loss": 1.0 + cfg["k"], "diverged": bool(rng.integers(2)) and cfg["k"] == 1}
    res = run_sweep(f, [{"k": 0}, {"k": 1}, {"k": 2}], tmp_path, seeds=4)
    assert set(res.errors) == {8, 9, 10, 11} and "boom" in res.errors[8] and not res.complete
    s = summarize(res)
    assert s[0]["geomean"] == pytest.approx(1.0) and s[2]["n"] == 0 and np.isnan(s[2]["median"])
    if s[1]["n_diverged"]:
        assert s[1]["geomean"] == np.inf and s[1]["mean"] == np.inf


def test_process_pool_matches_serial(tmp_path):
    serial = run_sweep(run_config, _configs(), tmp_path / "a", seeds=2)
    with ProcessPoolExecutor(2) as ex:
        par = run_sweep(run_config, _configs(), tmp_path / "b", seeds=2, executor=ex)
    for i in range(4):
        np.testing.assert_array_equal(serial.results[i][0]["loss"], par.results[i][0]["loss"])


def test_dask_local_cluster(tmp_path):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None) as cl, \
            distributed.Client(cl) as client:
        res = run_sweep(run_config, _configs(), tmp_path, seeds=1, executor=client.get_executor())
    ref = run_sweep(run_config, _configs(), tmp_path / "ref", seeds=1)
    assert res.complete
    for i in range(2):
        np.testing.assert_array_equal(res.results[i][0]["loss"], ref.results[i][0]["loss"])


def test_sigkill_loses_no_finished_run_and_leaves_no_corrupt_file(tmp_path):
    out = tmp_path / "sweep"
    script = textwrap.dedent(f"""
        from linrec.sweep import expand_grid, run_sweep
        from linrec.train import run_config
        base = {BASE!r}
        base["steps"] = 400
        cfgs = expand_grid(base, {{"lr": [1e-3, 2e-3, 3e-3, 4e-3, 5e-3, 6e-3, 7e-3, 8e-3]}})
        run_sweep(run_config, cfgs, {str(out)!r}, seeds=1)
    """)
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    proc = subprocess.Popen([sys.executable, "-c", script], env=env)
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            if out.exists() and len(list(out.glob("*.json"))) >= 2:
                break
            if proc.poll() is not None:
                break
            time.sleep(0.01)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait()
    finished = sorted(out.glob("*.json"))
    assert 2 <= len(finished) < 8  # killed mid-way
    for side in finished:  # every complete result loads
        arrays, meta = load_arrays(side.with_suffix(".npz"))
        assert arrays["loss"].shape == (400,) and meta["steps_done"] == 400
    before = _snapshot(out)
    base = dict(BASE, steps=400)
    cfgs = expand_grid(base, {"lr": [1e-3, 2e-3, 3e-3, 4e-3, 5e-3, 6e-3, 7e-3, 8e-3]})
    res = run_sweep(run_config, cfgs, out, seeds=1)
    assert res.complete and len(res.computed) == 8 - len(finished)
    after = _snapshot(out)
    for name in (s.name for s in finished):  # finished runs were kept, not recomputed
        assert after[name] == before[name]
        assert after[name.replace(".json", ".npz")] == before[name.replace(".json", ".npz")]


def test_progress_callback_and_printing(tmp_path, capsys):
    calls = []
    run_sweep(run_config, _configs(), tmp_path / "a", seeds=1, progress=lambda d, t, r: calls.append((d, t)))
    assert calls == [(1, 2), (2, 2)]
    run_sweep(run_config, _configs(), tmp_path / "b", seeds=1, progress=True)
    assert "2/2 runs done" in capsys.readouterr().out


def _age(path, seconds):
    t = time.time() - seconds
    os.utime(path, (t, t))


def test_remove_stale_temporaries(tmp_path):
    # the names atomic_write_bytes really uses: mkstemp(prefix=".<name>.", suffix=".tmp")
    fd, real = tempfile.mkstemp(prefix=".cfg-1.npz.", suffix=".tmp", dir=tmp_path)
    os.close(fd)
    stale = [Path(real), tmp_path / ".run.json.abc_0123.tmp"]
    fresh = tmp_path / ".run.npz.zzzzzzzz.tmp"  # a write in progress elsewhere
    keep = [tmp_path / n for n in ("run.npz", ".run.npz.tmp", "x.abcdefgh.tmp", ".run.npz.ABCDEFGH.tmp",
                                   ".run.npz.abc.tmp", ".run.npz.abcdefgh.tmp.bak")]
    for p in stale + [fresh] + keep:
        p.write_bytes(b"partial")
    sub = tmp_path / ".dir.abcdefgh.tmp"  # a directory with a matching name is not a file
    sub.mkdir()
    for p in stale + keep + [sub]:
        _age(p, 3600)
    removed = remove_stale_temporaries(tmp_path, older_than=600)
    assert removed == sorted(stale)
    assert not any(p.exists() for p in stale) and fresh.exists() and sub.is_dir()
    assert all(p.exists() for p in keep)
    assert remove_stale_temporaries(tmp_path, older_than=0) == [fresh]  # 0: any age
    assert remove_stale_temporaries(tmp_path / "missing") == []
    with pytest.raises(ValueError, match="older_than"):
        remove_stale_temporaries(tmp_path, older_than=-1)
    with pytest.raises(ValueError, match="older_than"):
        remove_stale_temporaries(tmp_path, older_than=float("nan"))


def test_run_sweep_removes_stale_temporaries_at_start(tmp_path):
    out = tmp_path / "sweep"
    first = run_sweep(run_config, _configs(), out, seeds=1)
    names = sorted(p.name for p in out.iterdir())
    stale = out / f".{names[0]}.q1w2e3r4.tmp"  # left by a writer killed mid-write
    fresh = out / f".{names[1]}.a1s2d3f4.tmp"  # a concurrent writer's file, seconds old
    stale.write_bytes(b"\x00" * 10)
    fresh.write_bytes(b"\x00" * 10)
    _age(stale, 3600)
    again = run_sweep(run_config, _configs(), out, seeds=1)
    assert again.complete and again.computed == [] and not stale.exists() and fresh.exists()
    for i in first.results:  # finished results untouched
        np.testing.assert_array_equal(again.results[i][0]["loss"], first.results[i][0]["loss"])
    _age(fresh, 3600)
    run_sweep(run_config, _configs(), out, seeds=1, stale_after=None)  # disabled
    assert fresh.exists()
    run_sweep(run_config, _configs(), out, seeds=1, stale_after=1800)
    assert not fresh.exists() and sorted(p.name for p in out.iterdir()) == names


def test_executor_from_args_serial_yields_none():
    with executor_from_args() as ex:
        assert ex is None
    with executor_from_args(1, None) as ex:
        assert ex is None


def test_executor_from_args_process_pool_is_shut_down(tmp_path):
    with executor_from_args(jobs=2) as ex:
        assert isinstance(ex, ProcessPoolExecutor) and ex._max_workers == 2
        assert ex.submit(pow, 3, 4).result() == 81
        res = run_sweep(run_config, _configs(), tmp_path, seeds=1, executor=ex)
    assert res.complete and sorted(res.computed) == [0, 1]
    with pytest.raises(RuntimeError, match="shutdown"):
        ex.submit(pow, 2, 2)
    # also shut down when the block raises
    with pytest.raises(KeyError), executor_from_args(jobs=2) as ex2:
        raise KeyError("inside")
    with pytest.raises(RuntimeError, match="shutdown"):
        ex2.submit(pow, 2, 2)


@pytest.mark.parametrize("jobs, err, match", [(0, ValueError, "jobs must be >= 1"), (-3, ValueError, "jobs"),
                                              (2.0, TypeError, "jobs must be an integer"),
                                              (True, TypeError, "jobs"), ("2", TypeError, "jobs")])
def test_executor_from_args_rejects_bad_jobs(jobs, err, match):
    with pytest.raises(err, match=match), executor_from_args(jobs=jobs):
        pass


def test_executor_from_args_rejects_jobs_with_dask_and_bad_address():
    with pytest.raises(ValueError, match="mutually exclusive"), executor_from_args(jobs=2, dask="tcp://x:1"):
        pass
    with pytest.raises(ValueError, match="dask"), executor_from_args(dask="  "):
        pass
    with pytest.raises(TypeError, match="dask"), executor_from_args(dask=8786):
        pass


def test_executor_from_args_missing_dask_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "dask.distributed", None)  # makes the import fail
    with pytest.raises(ImportError, match=r"'distributed' extra"), executor_from_args(dask="tcp://127.0.0.1:1"):
        pass


def test_executor_from_args_dask_client_is_closed(tmp_path):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None) as cl:
        with executor_from_args(dask=cl.scheduler_address) as ex:
            client = ex._client
            res = run_sweep(run_config, _configs(), tmp_path, seeds=1, executor=ex)
        assert client.status == "closed"
    ref = run_sweep(run_config, _configs(), tmp_path / "ref", seeds=1)
    assert res.complete
    for i in range(2):
        np.testing.assert_array_equal(res.results[i][0]["loss"], ref.results[i][0]["loss"])


def test_add_executor_arguments_argparse(capsys):
    p = argparse.ArgumentParser(prog="fig")
    p.add_argument("--task", default="a")
    assert add_executor_arguments(p) is p
    a = p.parse_args([])
    assert (a.jobs, a.dask, a.task) == (1, None, "a")
    a = p.parse_args(["--jobs", "3", "--task", "b"])
    assert (a.jobs, a.dask, a.task) == (3, None, "b")
    a = p.parse_args(["--dask", "tcp://h:8786", "--jobs", "1"])
    assert (a.jobs, a.dask) == (1, "tcp://h:8786")
    for argv in (["--jobs", "2", "--dask", "tcp://h:8786"], ["--dask", "tcp://h:8786", "--jobs", "2"]):
        with pytest.raises(SystemExit) as exc:
            p.parse_args(argv)
        assert exc.value.code == 2 and "mutually exclusive" in capsys.readouterr().err
    for bad in ("0", "-1", "two"):
        with pytest.raises(SystemExit):
            p.parse_args(["--jobs", bad])
        assert "positive integer" in capsys.readouterr().err
    with executor_from_args(**{k: v for k, v in vars(p.parse_args([])).items() if k in ("jobs", "dask")}) as ex:
        assert ex is None
    with pytest.raises(TypeError, match="parser"):
        add_executor_arguments(object())
