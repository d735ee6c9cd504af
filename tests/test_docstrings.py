"""Every public function is documented in numpydoc form.

Rules (enforced below):
1. every public function and class in ``linrec`` has a docstring that parses as numpydoc and
   documents every parameter of its signature, and has an ``Examples`` section (the examples
   run as doctests through ``--doctest-modules``);
2. in the formula modules (scan, growth, jacobians, memory, reparam) every public function
   also has ``Notes`` (the formula or recurrence) and ``References`` (paper and equation),
   unless the module lists it in ``_NOT_A_FORMULA`` (helpers that implement no formula).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from numpydoc.docscrape import ClassDoc, FunctionDoc

import linrec

FORMULA_PACKAGES = ("linrec.scan", "linrec.growth", "linrec.jacobians", "linrec.memory", "linrec.reparam")


def _public_modules():
    mods = [linrec]
    for info in pkgutil.walk_packages(linrec.__path__, "linrec."):
        if any(part.startswith("_") for part in info.name.split(".")):
            continue
        mods.append(importlib.import_module(info.name))
    return mods


def _public_objects():
    seen = set()
    for mod in _public_modules():
        names = getattr(mod, "__all__", None)
        if names is None:
            names = [n for n in vars(mod) if not n.startswith("_")]
        for name in names:
            obj = getattr(mod, name, None)
            if not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue
            if getattr(obj, "__module__", "").split(".")[0] != "linrec":
                continue
            if obj.__module__ != mod.__name__:  # documented where defined
                continue
            key = (obj.__module__, obj.__qualname__)
            if key in seen:
                continue
            seen.add(key)
            yield mod, obj


OBJECTS = list(_public_objects())


def _documented_params(doc) -> set[str]:
    names = set()
    for p in doc["Parameters"] + doc["Other Parameters"]:
        for part in p.name.split(","):
            names.add(part.strip().lstrip("*"))
    return names


@pytest.mark.parametrize("mod,obj", OBJECTS, ids=[f"{o.__module__}.{o.__qualname__}" for _, o in OBJECTS])
def test_numpydoc(mod, obj):
    where = f"{obj.__module__}.{obj.__qualname__}"
    assert obj.__doc__ and obj.__doc__.strip(), f"{where} has no docstring"
    if inspect.isclass(obj):
        doc = ClassDoc(obj, config={"show_class_members": False})
        is_exception = issubclass(obj, BaseException)
        if is_exception:
            return
        params = [] if obj.__init__ is object.__init__ else list(inspect.signature(obj).parameters.values())
        documented = _documented_params(doc) | {a.name for a in doc["Attributes"]}
    else:
        doc = FunctionDoc(obj)
        params = list(inspect.signature(obj).parameters.values())
        documented = _documented_params(doc)
    missing = [p.name for p in params if p.name not in ("self", "cls") and p.name not in documented]
    assert not missing, f"{where}: parameters not documented: {missing}"
    if inspect.isfunction(obj):
        assert doc["Examples"], f"{where}: no Examples section"
        in_formula_pkg = any(obj.__module__ == p or obj.__module__.startswith(p + ".") for p in FORMULA_PACKAGES)
        exempt = obj.__name__ in getattr(mod, "_NOT_A_FORMULA", ())
        if in_formula_pkg and not exempt:
            assert doc["Notes"], f"{where}: a formula function needs a Notes section with the formula"
            assert doc["References"], f"{where}: a formula function needs References (paper, equation)"


def test_there_is_something_to_check():
    assert len(OBJECTS) >= 10
