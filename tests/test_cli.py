"""The ``linrec`` command line, on a tiny fake checkout (no real figure or claim runs)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from linrec import cli


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    (root / "papers" / "demo").mkdir(parents=True)
    (root / "papers" / "other").mkdir(parents=True)
    (root / "tests" / "claims").mkdir(parents=True)
    (root / "papers" / "demo" / "README.md").write_text("# demo\n")
    (root / "papers" / "other" / "README.md").write_text("# other\n")
    # two scripts printing several lines each: the blocks must not interleave
    for name in ("fig_a.py", "fig_b.py"):
        (root / "papers" / "demo" / name).write_text(textwrap.dedent(f"""
            import os
            for i in range(3):
                print("{name} line", i, os.environ["PROFILE"], flush=True)
        """))
    (root / "papers" / "other" / "fig_bad.py").write_text("raise SystemExit(3)\n")
    (root / "papers" / "CLAIMS.md").write_text(textwrap.dedent("""
        # Claims ledger

        | paper | equation | claim | predicted | measured | rel. error | tolerance | why | result | test |
        |---|---|---|---|---|---|---|---|---|---|
        | demo | Eq. 1 | x equals \\|y\\| | 1 | 1 | 0 | atol=0 | exact | pass | `t::a` |
        | demo | Eq. 2 | a second claim | 1 | 2 | 1 | atol=0 | exact | FAIL | `t::b` |
        | ghost | Eq. 3 | no folder | 1 | 1 | 0 | atol=0 | exact | pass | `t::c` |
        | other/page | Eq. 4 | a claim of a page under papers/other/ | 1 | 1 | 0 | atol=0 | exact | pass | `t::d` |
    """).lstrip())
    (root / "tests" / "claims" / "test_demo.py").write_text(textwrap.dedent("""
        import pytest

        @pytest.mark.claim
        def test_ok():
            assert 1 + 1 == 2
    """))
    (root / "tests" / "claims" / "test_other.py").write_text(textwrap.dedent("""
        import pytest

        @pytest.mark.claim
        def test_fails():
            assert 1 + 1 == 3
    """))
    # the seed-offset option the real tests/conftest.py defines
    (root / "tests" / "conftest.py").write_text(textwrap.dedent("""
        def pytest_addoption(parser):
            parser.addoption("--seed-offset", type=int, default=0)

        def pytest_configure(config):
            config.addinivalue_line("markers", "claim: a claim")
    """))
    return root


def test_find_checkout_explicit_upward_and_missing(checkout, tmp_path):
    assert cli.find_checkout(checkout) == checkout.resolve()
    assert cli.find_checkout(start=checkout / "papers" / "demo") == checkout.resolve()
    with pytest.raises(cli.CheckoutNotFound, match="--root"):
        cli.find_checkout(start=tmp_path)
    with pytest.raises(cli.CheckoutNotFound, match="does not hold"):
        cli.find_checkout(tmp_path)


def test_papers_lists_folders_and_ledger(checkout, capsys):
    assert cli.main(["--root", str(checkout), "papers", "--claims"]) == 0
    out = capsys.readouterr().out
    assert "demo: 2 claims, 1 not passing" in out
    assert "other: 1 claims" in out  # "other/page" rows belong to papers/other/
    assert "[pass] x equals |y|" in out  # escaped pipes are part of the cell
    assert "[FAIL] a second claim" in out
    assert "ghost" in out.splitlines()[-1]


def test_missing_checkout_exits_2(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["papers"]) == 2
    assert "pass --root DIR" in capsys.readouterr().err


def test_figures_blocks_in_order_and_profile(checkout, capsys):
    assert cli.main(["--root", str(checkout), "figures", "demo", "--profile", "full"]) == 0
    lines = capsys.readouterr().out.splitlines()
    ia = next(i for i, s in enumerate(lines) if s.startswith("[figures 1/2] papers/demo/fig_a.py"))
    ib = next(i for i, s in enumerate(lines) if s.startswith("[figures 2/2] papers/demo/fig_b.py"))
    assert [s.strip() for s in lines[ia + 1:ib]] == [f"fig_a.py line {i} full" for i in range(3)]
    assert [s.strip() for s in lines[ib + 1:ib + 4]] == [f"fig_b.py line {i} full" for i in range(3)]


def test_figures_failure_and_unknown_paper(checkout, capsys):
    assert cli.main(["--root", str(checkout), "figures", "other"]) == 1
    assert "FAILED, exit 3" in capsys.readouterr().out
    assert cli.main(["--root", str(checkout), "figures", "nope"]) == 2
    assert "known: demo, other" in capsys.readouterr().err


def test_bad_arguments_exit_2(checkout, capsys):
    assert cli.main(["--root", str(checkout), "figures", "demo", "--jobs", "0"]) == 2
    assert cli.main(["--root", str(checkout), "figures", "demo", "--profile", "huge"]) == 2
    assert cli.main(["--root", str(checkout), "figures", "demo", "--jobs", "2", "--dask", "tcp://x:1"]) == 2
    assert cli.main([]) == 2
    capsys.readouterr()


def test_claims_exit_codes(checkout, capsys):
    assert cli.main(["--root", str(checkout), "claims", "demo", "--seed-offset", "17"]) == 0
    assert "--seed-offset=17" in capsys.readouterr().out
    assert cli.main(["--root", str(checkout), "claims", "other"]) == 1
    assert cli.main(["--root", str(checkout), "claims", "nope"]) == 2
    assert "known: demo, other" in capsys.readouterr().err


def test_versions_anywhere(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["versions"]) == 0
    out = capsys.readouterr().out
    assert f"numpy {np.__version__}" in out
    assert "OPENBLAS_NUM_THREADS=" in out


@pytest.mark.parametrize("sub", [None, "papers", "figures", "claims", "versions"])
def test_help_of_each_subcommand(sub, capsys):
    argv = ["--help"] if sub is None else [sub, "--help"]
    assert cli.main(argv) == 0
    assert "usage: linrec" in capsys.readouterr().out


def test_python_dash_m(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "linrec", "--help"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0
    for sub in ("papers", "figures", "claims", "versions"):
        assert sub in proc.stdout
