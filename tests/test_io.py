import hashlib

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from linrec.io import get_profile, load_arrays, save_arrays, save_figure  # noqa: E402


def test_roundtrip_and_incomplete(tmp_path):
    p = save_arrays(tmp_path / "run", {"loss": np.arange(4.0)}, {"lr": np.float64(0.1), "z": 1 + 2j})
    arrays, meta = load_arrays(p)
    assert np.array_equal(arrays["loss"], np.arange(4.0)) and meta["lr"] == 0.1
    p.with_suffix(".json").unlink()
    with pytest.raises(FileNotFoundError, match="sidecar"):
        load_arrays(p)


def _draw():
    fig, ax = plt.subplots()
    ax.plot(np.arange(5), np.arange(5) ** 2)
    return fig


def test_figures_are_byte_identical(tmp_path):
    digests = []
    for i in range(2):
        fig = _draw()
        paths = save_figure(fig, tmp_path / f"f{i}")
        plt.close(fig)
        digests.append([hashlib.sha256(q.read_bytes()).hexdigest() for q in paths])
    assert digests[0] == digests[1]


def test_profile(monkeypatch):
    monkeypatch.setenv("PROFILE", "full")
    assert get_profile() == "full"
    monkeypatch.setenv("PROFILE", "huge")
    with pytest.raises(ValueError, match="PROFILE"):
        get_profile()


def _tree(path):
    return sorted(str(p.relative_to(path)) for p in path.rglob("*"))


def test_outputs_go_to_the_current_directory(tmp_path, monkeypatch):
    from linrec.io import figure_dir, output_dir

    work, elsewhere = tmp_path / "work", tmp_path / "elsewhere"
    work.mkdir()
    elsewhere.mkdir()
    monkeypatch.delenv("LINREC_OUTPUT_DIR", raising=False)
    monkeypatch.chdir(work)
    assert output_dir() == work
    d = figure_dir("somepaper")
    saved = save_arrays(d / "x", {"a": np.arange(2)})
    assert d == work / "figures" / "somepaper" and saved.parent == d
    assert _tree(work) == ["figures", "figures/somepaper", "figures/somepaper/x.json", "figures/somepaper/x.npz"]
    assert _tree(elsewhere) == []
    # an empty variable means unset
    monkeypatch.setenv("LINREC_OUTPUT_DIR", "")
    assert output_dir() == work


def test_output_dir_precedence(tmp_path, monkeypatch):
    from linrec.io import figure_dir, output_dir

    env, explicit, cwd = tmp_path / "env", tmp_path / "explicit", tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    monkeypatch.setenv("LINREC_OUTPUT_DIR", str(env))
    assert output_dir() == env
    assert figure_dir("p") == env / "figures" / "p" and (env / "figures" / "p").is_dir()
    # the explicit argument wins over the variable; relative paths are taken from the cwd
    assert figure_dir("p", root=explicit) == explicit / "figures" / "p"
    assert output_dir("rel") == cwd / "rel"
    assert _tree(cwd) == []  # output_dir creates nothing


def test_output_dir_bad_input(tmp_path):
    from linrec.io import figure_dir, output_dir

    with pytest.raises(TypeError, match="root"):
        output_dir(3)
    with pytest.raises(TypeError, match="root"):
        output_dir(b"bytes")
    with pytest.raises(ValueError, match="root"):
        output_dir("")
    with pytest.raises(TypeError, match="paper_id"):
        figure_dir(7, root=tmp_path)
    with pytest.raises(TypeError, match="root"):
        figure_dir("p", root=1.5)
    for bad in ("", "a/b", ".hidden", "a\\b"):
        with pytest.raises(ValueError, match="paper_id"):
            figure_dir(bad, root=tmp_path)
    assert _tree(tmp_path) == []


def test_repo_root_is_the_checkout():
    from pathlib import Path

    from linrec.io import repo_root

    root = repo_root()
    assert (root / "pyproject.toml").is_file() and (root / "linrec" / "io.py").is_file()
    assert Path(__file__).resolve().parent.parent == root


def test_repo_root_outside_a_checkout(tmp_path, monkeypatch):
    import linrec.io as lio

    fake = tmp_path / "site-packages" / "linrec" / "io.py"
    fake.parent.mkdir(parents=True)
    fake.write_text("")
    monkeypatch.setattr(lio, "__file__", str(fake))
    with pytest.raises(FileNotFoundError, match="output_dir"):
        lio.repo_root()
