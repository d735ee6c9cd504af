"""Importing linrec (and every non-symbolic, non-plotting module) has no heavy side effects.

Importing must not pull in matplotlib or sympy, change mpmath's precision, or seed anything.
Run in a fresh interpreter so that other tests' imports cannot mask a violation.
"""

import subprocess
import sys
import textwrap


def test_import_linrec_is_light():
    code = textwrap.dedent(
        """
        import importlib, pkgutil, sys
        import linrec
        names = []
        for info in pkgutil.walk_packages(linrec.__path__, "linrec."):
            leaf = info.name.rsplit(".", 1)[-1]
            if "symbolic" in info.name or ".plotting" in info.name or leaf.startswith("_"):
                continue
            importlib.import_module(info.name)
            names.append(info.name)
        heavy = sorted(m for m in ("matplotlib", "sympy") if m in sys.modules)
        assert not heavy, f"importing {names} imported {heavy}"
        if "mpmath" in sys.modules:
            import mpmath
            assert mpmath.mp.dps == 15, f"mpmath precision changed at import: {mpmath.mp.dps}"
        print(len(names))
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    assert int(out.stdout.strip()) >= 3
