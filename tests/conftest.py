"""Test-suite plumbing: the ``claim`` fixture and the claims ledger.

A claim test is marked ``@pytest.mark.claim`` and calls ``claim.check(...)`` (prediction versus
measurement within a derived tolerance) or ``claim.check_bound(...)`` (an inequality). Each
call records a :class:`linrec.testing.ClaimRecord` in the test report's ``user_properties``
(so records travel from pytest-xdist workers to the controller) and asserts. With
``--claims-ledger=PATH`` the controller writes every record to PATH as Markdown; ``make
claims`` uses it to regenerate ``papers/CLAIMS.md``.

Seed offsets
------------
``--seed-offset N`` (``make claims SEED_OFFSET=N``) shifts every seed a claim test uses by
``N``: while a test marked ``claim`` runs, ``numpy.random.default_rng(s)`` with an integer
``s`` returns ``default_rng(s + N)`` -- this covers literal seeds in the tests and every
integer ``rng=`` the library turns into a generator through ``linrec._validation.as_rng``.
Seeds that reach ``numpy.random.SeedSequence`` directly (``run_sweep``/``run_grid``'s
``base_seed``) are shifted by the test itself through the ``seed_offset`` fixture. A claim must
hold at any offset: reviewers run it at offsets its authors never saw.
"""

from __future__ import annotations

import dataclasses
import json
import numbers
import os
from pathlib import Path

import numpy as np
import pytest

from linrec.testing import ClaimRecord, evaluate_bound, evaluate_claim

_KEY = "linrec_claim"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--claims-ledger",
        default=None,
        help="write the claim records of this run to this Markdown file (papers/CLAIMS.md)",
    )
    parser.addoption(
        "--seed-offset",
        type=int,
        default=0,
        help="shift every integer seed a claim test uses by this amount (see tests/conftest.py)",
    )


@pytest.fixture
def seed_offset(request: pytest.FixtureRequest) -> int:
    """The ``--seed-offset`` of this run (0 by default): add it to seeds given to SeedSequence."""
    return int(request.config.getoption("--seed-offset"))


@pytest.fixture(autouse=True)
def _shift_claim_seeds(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Under ``--seed-offset N``, make ``default_rng(s)`` mean ``default_rng(s + N)`` in claim tests."""
    offset = int(request.config.getoption("--seed-offset"))
    if offset == 0 or request.node.get_closest_marker("claim") is None:
        return
    original = np.random.default_rng

    def shifted_default_rng(seed=None):
        if isinstance(seed, numbers.Integral) and not isinstance(seed, bool):
            seed = int(seed) + offset
        return original(seed)

    monkeypatch.setattr(np.random, "default_rng", shifted_default_rng)


class ClaimRecorder:
    """Records claims for one test; see the module docstring."""

    def __init__(self, node: pytest.Item) -> None:
        self._node = node
        if node.get_closest_marker("claim") is None:
            raise RuntimeError(f"{node.nodeid} uses the claim fixture but is not marked @pytest.mark.claim")

    def _record(self, rec: ClaimRecord) -> ClaimRecord:
        self._node.user_properties.append((_KEY, json.dumps(dataclasses.asdict(rec))))
        if not rec.passed:
            raise AssertionError(
                f"claim failed [{rec.paper} {rec.equation}] {rec.statement}: predicted {rec.predicted}, "
                f"measured {rec.measured}, rel. error {rec.rel_error:.3g}, tolerance {rec.tolerance} ({rec.why})"
            )
        return rec

    def check(self, *, paper: str, equation: str, statement: str, predicted, measured,
              rtol: float = 0.0, atol: float = 0.0, why: str) -> ClaimRecord:
        """Assert |measured - predicted| <= atol + rtol |predicted| and record the claim."""
        return self._record(evaluate_claim(
            test=self._node.nodeid, paper=paper, equation=equation, statement=statement,
            predicted=predicted, measured=measured, rtol=rtol, atol=atol, why=why))

    def check_bound(self, *, paper: str, equation: str, statement: str, bound, measured,
                    relation: str = "<=", slack: float = 0.0, why: str) -> ClaimRecord:
        """Assert the inequality ``measured relation bound`` and record the claim."""
        return self._record(evaluate_bound(
            test=self._node.nodeid, paper=paper, equation=equation, statement=statement,
            bound=bound, measured=measured, relation=relation, slack=slack, why=why))


@pytest.fixture
def claim(request: pytest.FixtureRequest) -> ClaimRecorder:
    """Record paper claims; the test must be marked ``@pytest.mark.claim``."""
    return ClaimRecorder(request.node)


_RECORDS: list[dict] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when != "call":
        return
    for key, value in report.user_properties:
        if key == _KEY:
            _RECORDS.append(json.loads(value))


def _md(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def pytest_configure(config: pytest.Config) -> None:
    if int(config.getoption("--seed-offset")) < 0:
        raise pytest.UsageError("--seed-offset must be a non-negative integer (seeds are non-negative)")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    path = session.config.getoption("--claims-ledger")
    if not path or hasattr(session.config, "workerinput"):  # only the controller writes
        return
    rows = sorted(_RECORDS, key=lambda r: (r["paper"], r["test"], r["equation"]))
    n_pass = sum(r["passed"] for r in rows)
    lines = [
        "# Claims ledger",
        "",
        "Generated by `make claims` from the claim tests (`pytest -m claim`); do not edit by hand.",
        "Each row compares a prediction (closed form or theorem) with an independent measurement;",
        "the tolerance and its derivation are in the last columns and in the test.",
        "",
        f"**{n_pass} of {len(rows)} claims hold.**",
        "",
        "| paper | equation | claim | predicted | measured | rel. error | tolerance "
        "| why this tolerance | result | test |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append("| " + " | ".join([
            _md(r["paper"]), _md(r["equation"]), _md(r["statement"]), _md(r["predicted"]),
            _md(r["measured"]), f"{r['rel_error']:.2e}", _md(r["tolerance"]), _md(r["why"]),
            "pass" if r["passed"] else "**FAIL**", f"`{_md(r['test'])}`",
        ]) + " |")
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(out.suffix + ".tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    os.replace(tmp, out)
