"""Benchmark harness: what each authentication integration costs per request and upstream.

Run `python -m bench [--quick]` (or `make bench` / `make bench-quick`); see `bench.__main__`.
"""
