"""Sphinx configuration of the linrec documentation (``make docs``)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("MPLBACKEND", "Agg")

import linrec  # noqa: E402

project = "linrec"
author = "The linrec developers"
copyright = "2026, The linrec developers"
release = version = linrec.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "myst_parser",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build"]
autosummary_generate = True
autosummary_imported_members = False
autodoc_default_options = {"members": True, "undoc-members": False}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
# numpydoc's cross-references of parameter types ("array_like", "optional", ...) would need an
# intersphinx mapping to numpy/python docs (network at build time); types are shown as text
numpydoc_xref_param_type = False
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3
# the papers' READMEs link source files and tests in the repository (tests/claims/..., *.py),
# which are not documents of this site; those links work when the READMEs are read on the
# repository browser, so Sphinx's "cross-reference target not found" is silenced for MyST only
suppress_warnings = ["myst.xref_missing", "myst.header"]
# numpydoc renames each docstring's References entries to unique citation labels; a docstring that
# lists references without citing them as [1]_ in its text (our style: the References section
# is the citation) would otherwise warn once per entry
suppress_warnings.append("ref.citation")
html_theme = "alabaster"
html_title = f"linrec {release}"


def _write_if_changed(path: Path, text: str) -> None:
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _generate_guide_pages() -> None:
    """One page per papers/<id>/README.md and papers/answers/*.md, included (not copied), so
    a new paper or answer appears without editing the docs; the pages are build artifacts
    (git-ignored)."""
    here = Path(__file__).resolve().parent
    include = "```{{include}} {src}\n:relative-images:\n:relative-docs: ../\n```\n"
    papers = sorted(p.parent.name for p in ROOT.glob("papers/*/README.md") if p.parent.name != "answers")
    for pid in papers:
        _write_if_changed(here / "papers" / f"{pid}.md", include.format(src=f"../../papers/{pid}/README.md"))
    _write_if_changed(here / "papers" / "claims.md", include.format(src="../../papers/CLAIMS.md"))
    toc = "\n".join([*papers, "claims"])
    _write_if_changed(here / "papers" / "index.md",
                      "# Reproduced papers\n\nEach paper's claims, in our words, with the test and figure "
                      f"behind each.\n\n```{{toctree}}\n:maxdepth: 1\n\n{toc}\n```\n")
    answers = sorted(p.stem for p in ROOT.glob("papers/answers/*.md") if p.stem != "README")
    for stem in answers:
        _write_if_changed(here / "answers" / f"{stem}.md", include.format(src=f"../../papers/answers/{stem}.md"))
    toc = "\n".join(answers)
    _write_if_changed(here / "answers" / "index.md",
                      "# Questions linrec answers\n\nEach step of each answer is a claim test and a figure.\n\n"
                      f"```{{toctree}}\n:maxdepth: 1\n\n{toc}\n```\n")


_generate_guide_pages()


def _escape_bars(app, what, name, obj, options, lines) -> None:
    """Docstrings write moduli as |lam| (plain text, read with help()); reST would parse
    |...| as substitution references. Escape bars outside inline literals, math roles and
    doctest lines; grid-table rows are left alone."""
    import re

    literal = re.compile(r"(``.*?``|:math:`.*?`)")
    for i, line in enumerate(lines):
        s = line.lstrip()
        is_table_row = s.startswith("+") or (s.startswith("| ") and s.rstrip().endswith(" |"))
        if "|" not in line or s.startswith((">>>", "...")) or is_table_row:
            continue
        parts = literal.split(line)
        lines[i] = "".join(p if literal.fullmatch(p) else p.replace("|", r"\|") for p in parts)


def setup(app):
    # before numpydoc (priority 500) rewrites the sections
    app.connect("autodoc-process-docstring", _escape_bars, priority=100)
