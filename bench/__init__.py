"""Benchmarks: `python -m bench NAME` (or `make bench BENCH=NAME`) prints figures."""
