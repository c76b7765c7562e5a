"""The send-path benchmark (``python -m condis_edu.bench``); see ``condis_edu.bench.measure``."""

from condis_edu.bench.measure import BenchReport, BenchResult, floor_loop, main, run

__all__ = ["BenchReport", "BenchResult", "floor_loop", "main", "run"]
