"""Reproducible performance suite for claimtrack (run ``python benchmarks/run.py --help``)."""
