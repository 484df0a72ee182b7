"""The pieces of `make bench` (bench/bench.py), one concern per module.

bench.py puts bench/ on sys.path before importing this package, so the modules here can
import `runtime_api` (bench/runtime_api.py) as a top-level module.
"""
