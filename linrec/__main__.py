"""``python -m linrec``: the command line (see :mod:`linrec.cli`)."""

import sys

from linrec.cli import main

if __name__ == "__main__":
    sys.exit(main())
