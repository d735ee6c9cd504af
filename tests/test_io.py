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
