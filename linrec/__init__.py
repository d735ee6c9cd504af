"""linrec: executable theory of linear recurrent systems.

linrec checks theoretical claims about recurrent networks three ways that do not share code
paths: closed forms (sympy, evaluated stably and checked against mpmath), exact numerics
(scans, linear algebra) and simulation (Monte Carlo or small training runs with hand-written
gradients).

Importing ``linrec`` imports neither matplotlib nor sympy, sets no global state and changes
no rcParams; symbolic modules (``linrec.*.symbolic``) and ``linrec.plotting`` are imported
explicitly by the user.
"""

from linrec._validation import LinrecWarning

__version__ = "0.1.0"

__all__ = ["LinrecWarning", "__version__"]
