"""Experiment protocols of the reproduced papers (``config, rng -> arrays``), shared by figure scripts,
claim tests and :func:`linrec.sweep.run_sweep`."""
