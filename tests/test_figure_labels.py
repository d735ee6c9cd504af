"""No figure label carries ASCII math: symbols are mathtext (``$\\lambda$``), never ``lam``, ``**``, ``^{``.

A static scan (the figure code is not run): every string given to a label-setting call
(``set_xlabel``, ``set_ylabel``, ``set_title``, ``suptitle``, ``text``, ``annotate``, ``legend``)
or to a ``label=``, ``title=``, ``xlabel=``, ``ylabel=`` keyword, and every string value of the
scripts' module-level label tables (``LABELS``, ``KINDS``, ``METRICS``, ...), in ``linrec/plotting`` and the papers'
figure scripts. Text inside ``$...$`` is mathtext and exempt; f-string fields count as opaque.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted([*ROOT.glob("linrec/plotting/*.py"), *ROOT.glob("papers/**/fig*.py")])
CALLS = {"set_xlabel", "set_ylabel", "set_title", "suptitle", "xlabel", "ylabel", "title", "text", "annotate",
         "set_label", "legend"}
KEYWORDS = {"label", "title", "xlabel", "ylabel"}
LABEL_TABLES = {"LABELS", "KINDS", "METRICS", "GATES", "STEP_LAWS"}     # module-level dicts of legend labels
ASCII_MATH = [re.compile(p) for p in (r"\blam\b", r"\*\*", r"\^\{", r"\^\d", r"\bnu0\b", r"\bsqrt\(", r"\bconj\b",
                                      r"\b(lambda|theta|gamma|beta|omega|rho|sigma|Delta|delta)\b", r"\b[a-z]\w*\^\w")]


def _text(node: ast.AST) -> list[str]:
    """String constants of an expression; an f-string becomes its literal parts joined by '0'."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return ["".join(v.value if isinstance(v, ast.Constant) else "0" for v in node.values)]
    out: list[str] = []
    for child in ast.iter_child_nodes(node):
        out += _text(child)
    return out


def _labels(tree: ast.Module) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if name in CALLS and node.args:
                found += [(node.lineno, s) for s in _text(node.args[0])]
            for kw in node.keywords:
                if kw.arg in KEYWORDS:
                    found += [(node.lineno, s) for s in _text(kw.value)]
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict) and all(
                isinstance(t, ast.Name) and t.id in LABEL_TABLES for t in node.targets):
            for v in node.value.values:
                found += [(node.lineno, s) for s in _text(v)]
    return found


def _offending(s: str) -> str | None:
    plain = re.sub(r"\$[^$]*\$", " ", s)
    for pat in ASCII_MATH:
        m = pat.search(plain)
        if m:
            return m.group(0)
    return None


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_ascii_math_in_labels(path: Path) -> None:
    bad = [(line, s, hit) for line, s in _labels(ast.parse(path.read_text(encoding="utf-8")))
           if (hit := _offending(s))]
    assert not bad, "ASCII math outside $...$ in labels: " + "; ".join(
        f"line {line}: {s!r} ({hit!r})" for line, s, hit in bad)


def test_the_scan_catches_ascii_math() -> None:
    tree = ast.parse('ax.set_xlabel("1 - lam")\nax.plot(x, label=f"E[h^2] at {v}")\nLABELS = {"a": "beta**2"}\n'
                     'ax.set_title(r"$\\lambda^{2}$ fine")')
    hits = [s for _, s in _labels(tree) if _offending(s)]
    assert hits == ["1 - lam", "E[h^2] at 0", "beta**2"]
