import numpy as np
import pytest

from linrec._validation import (
    as_float_array,
    as_rng,
    check_choice,
    check_in_range,
    check_positive_int,
    check_square,
    check_stable,
)


def test_as_float_array_dtypes():
    assert as_float_array([1, 2], "x").dtype == np.float64
    assert as_float_array([1j], "x").dtype == np.complex128
    with pytest.raises(TypeError, match="x must be real"):
        as_float_array([1j], "x", allow_complex=False)
    with pytest.raises(TypeError, match="numeric"):
        as_float_array(np.array(["a"]), "x")
    with pytest.raises(TypeError, match="numeric"):
        as_float_array(np.array([1, None], dtype=object), "x")


def test_as_float_array_shape_and_finiteness():
    with pytest.raises(ValueError, match="at least 1"):
        as_float_array([], "b")
    with pytest.raises(ValueError, match="finite"):
        as_float_array([1.0, np.nan], "b")
    with pytest.raises(ValueError, match="2 dimension"):
        as_float_array([1.0], "A", ndim=2)
    with pytest.raises(ValueError, match="numeric array"):
        as_float_array([[1.0], [1.0, 2.0]], "A")


def test_square_stable_ranges():
    with pytest.raises(ValueError, match="square"):
        check_square(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"\|lam\| < 1"):
        check_stable(1.0000001)
    check_stable(1.0, strict=False)
    with pytest.raises(ValueError, match=r"rho must lie in \[0.0, 1.0\]"):
        check_in_range(1.5, "rho", 0.0, 1.0)
    with pytest.raises(ValueError, match="method must be one of"):
        check_choice("fast", "method", ("auto",))


def test_ints_and_rng():
    with pytest.raises(TypeError):
        check_positive_int(2.0, "T")
    with pytest.raises(TypeError):
        check_positive_int(True, "T")
    with pytest.raises(ValueError, match="T must be >= 1"):
        check_positive_int(0, "T")
    g = np.random.default_rng(3)
    assert as_rng(g) is g
    assert as_rng(5).normal() == as_rng(5).normal()
    with pytest.raises(TypeError, match="rng"):
        as_rng("seed")
