"""Benchmarks and accuracy checks (not part of the installed product)."""
