"""Benchmarks and large data-set generators, run by `make bench` (`python -m bench`)."""
