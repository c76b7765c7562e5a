"""The send-path benchmark: NBLs per second through the whole CoNDIS path, next to a floor.

Run it as ``python -m condis_edu.bench`` (add ``--json`` for a machine-readable form), call
``main([...])`` or ``run()`` from a notebook, or run it inside Pyodide under Node with
``node tests/pyodide/bench.mjs``. It is a benchmark, not a test: it prints numbers and the
ratios we aim for, and never fails a build.

What is measured. For chains of 1, 8 and 64 NBLs, a client sends the same pooled chain over
and over on one active VC of the sample loopback miniport: ``NdisCoSendNetBufferLists`` ->
``MiniportCoSendNetBufferLists`` (the miniport walks the chain, sets each ``Status`` and calls
``NdisMCoSendNetBufferListsComplete``) -> the client's ``ProtocolCoSendNetBufferListsComplete``.
NDIS checks and re-stamps ownership at both hand-offs and keeps the per-VC and per-adapter
outstanding counts.

The floor is the same driver work with NDIS taken out: in the same process, walk the chain,
set each status, then make one call per chain to the very completion handler the engine run
ends in. ``engine / floor`` is therefore the share of time left to the drivers; 1.0 would be
an NDIS that costs nothing.

Modes: ``verifier`` (verifier on, trace off: the normal way to run a notebook) and
``trace`` (verifier on, every call recorded). Targets: ratio >= 0.30 at 64 and >= 0.15 at 1
in ``verifier`` mode, >= 0.10 at 64 in ``trace`` mode.

Allocation. The steady loop reuses the same pooled NBLs, so it should allocate nothing per
NBL; ``tracemalloc`` counts the blocks still allocated after a measured stretch of sends
and the report prints blocks per NBL (0.0 is the goal; the trace mode allocates its events
by design and is not counted).

The timer (``time.perf_counter``) is used here only; the engine itself has no clock.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
import tracemalloc
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

from condis_edu.bench.case import CaseFactory, CompletionHandler, SendMany
from condis_edu.bench.sendpath import make_case
from condis_edu.ndis import NDIS_STATUS_SUCCESS, NET_BUFFER_LIST

__all__ = ["BenchResult", "floor_loop", "main", "run"]

CHAIN_LENGTHS = (1, 8, 64)
TARGETS = {("verifier", 64): 0.30, ("verifier", 1): 0.15, ("trace", 64): 0.10}
"""(mode, chain length) -> minimum engine/floor ratio we aim for."""



@dataclass(slots=True)
class BenchResult:
    """One row of the report."""

    mode: str
    chain_length: int
    engine_nbls_per_s: float
    floor_nbls_per_s: float
    ratio: float
    target: float | None
    alloc_blocks_per_nbl: float | None
    nbls: int

    @property
    def meets_target(self) -> bool | None:
        """True/False against the target for this row, None when there is no target."""
        return None if self.target is None else self.ratio >= self.target


@dataclass(slots=True)
class BenchReport:
    """Everything one run measured."""

    runtime: str
    python: str
    results: list[BenchResult] = field(default_factory=list)

    def to_json(self) -> str:
        """The machine-readable form printed by ``--json``."""
        rows = []
        for r in self.results:
            row = asdict(r)
            row["meets_target"] = r.meets_target
            rows.append(row)
        return json.dumps({"runtime": self.runtime, "python": self.python, "results": rows}, indent=2)

    def to_text(self) -> str:
        """The table printed by default."""
        lines = [
            f"condis_edu send-path benchmark ({self.runtime}, Python {self.python})",
            f"{'mode':<9} {'chain':>5} {'engine NBL/s':>14} {'floor NBL/s':>14} {'ratio':>6} "
            f"{'target':>7} {'alloc blocks/NBL':>17}",
        ]
        for r in self.results:
            target = "" if r.target is None else f">={r.target:.2f}"
            mark = "" if r.meets_target is None else (" ok" if r.meets_target else " LOW")
            alloc = "-" if r.alloc_blocks_per_nbl is None else f"{r.alloc_blocks_per_nbl:.3f}"
            lines.append(
                f"{r.mode:<9} {r.chain_length:>5} {r.engine_nbls_per_s:>14,.0f} {r.floor_nbls_per_s:>14,.0f} "
                f"{r.ratio:>6.2f} {target:>7}{mark:<4} {alloc:>13}"
            )
        return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# The floor
# --------------------------------------------------------------------------------------------



def floor_loop(head: NET_BUFFER_LIST, complete: CompletionHandler, context: object, rounds: int) -> None:
    """The floor: per round, walk the chain, set each status, one completion call.

    This is the work the sample miniport and client do for one send, without NDIS.
    """
    success = NDIS_STATUS_SUCCESS
    for _ in range(rounds):
        nbl: NET_BUFFER_LIST | None = head
        while nbl is not None:
            nbl.Status = success
            nbl = nbl.Next
        complete(context, head, 0)


def _time_floor(head: NET_BUFFER_LIST, complete: CompletionHandler, context: object, rounds: int) -> float:
    t0 = time.perf_counter()
    floor_loop(head, complete, context, rounds)
    return time.perf_counter() - t0


def _time_engine(send_many: SendMany, rounds: int) -> float:
    t0 = time.perf_counter()
    send_many(rounds)
    return time.perf_counter() - t0


def _allocations_per_nbl(send_many: SendMany, rounds: int, chain_length: int) -> float:
    """Blocks still allocated after *rounds* steady sends, per NBL sent (tracemalloc)."""
    send_many(1)  # warm up any lazily created state
    tracemalloc.start()
    try:
        before = tracemalloc.take_snapshot()
        send_many(rounds)
        after = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    grown = 0
    for stat in after.compare_to(before, "lineno"):
        frame = stat.traceback[0].filename if stat.traceback else ""
        if "tracemalloc" in frame:
            continue
        if stat.count_diff > 0:
            grown += stat.count_diff
    return grown / (rounds * chain_length)


# --------------------------------------------------------------------------------------------
# Running
# --------------------------------------------------------------------------------------------




def run(
    nbls: int = 200_000,
    repeat: int = 5,
    chain_lengths: Sequence[int] = CHAIN_LENGTHS,
    modes: Sequence[str] = ("verifier", "trace"),
    factory: CaseFactory | None = None,
    measure_alloc: bool = True,
) -> BenchReport:
    """Measure every (mode, chain length) and return the report (best of *repeat* runs).

    *nbls* is the number of NBLs pushed through per timed run (rounded to whole chains).
    """
    make = factory if factory is not None else make_case
    report = BenchReport(_runtime(), platform.python_version())
    for mode in modes:
        for length in chain_lengths:
            case, head, complete, context = make(mode, length)
            rounds = max(1, nbls // length)
            try:
                case.send_many(1)  # warm-up, and a check that the path works at all
                engine = floor = float("inf")
                back = 0
                for _ in range(repeat):  # interleaved, so drift in machine load hits both alike
                    before = case.completed()
                    engine = min(engine, _time_engine(case.send_many, rounds))
                    back += case.completed() - before
                    floor = min(floor, _time_floor(head, complete, context, rounds))
                sent = rounds * repeat * length
                if back != sent:
                    raise RuntimeError(f"{mode}/{length}: {sent} NBLs sent but {back} came back")
                alloc = None
                if measure_alloc and mode == "verifier":
                    alloc = _allocations_per_nbl(case.send_many, max(1, min(rounds, 20_000 // length)), length)
            finally:
                case.close()
            engine_rate = rounds * length / engine
            floor_rate = rounds * length / floor
            report.results.append(
                BenchResult(
                    mode,
                    length,
                    engine_rate,
                    floor_rate,
                    engine_rate / floor_rate,
                    TARGETS.get((mode, length)),
                    alloc,
                    rounds * length,
                )
            )
    return report


def _runtime() -> str:
    if sys.platform == "emscripten":
        return "Pyodide"
    return platform.python_implementation()


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python -m condis_edu.bench [--json] [--nbls N] [--repeat R]``."""
    parser = argparse.ArgumentParser(prog="python -m condis_edu.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--nbls", type=int, default=200_000, help="NBLs per timed run (default 200000)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per case; the best counts")
    parser.add_argument("--chains", type=str, default="1,8,64", help="comma-separated chain lengths")
    parser.add_argument("--no-alloc", action="store_true", help="skip the tracemalloc measurement")
    args = parser.parse_args(argv)
    chains = tuple(int(x) for x in args.chains.split(",") if x)
    report = run(args.nbls, args.repeat, chains, measure_alloc=not args.no_alloc)
    print(report.to_json() if args.json else report.to_text())
    return 0

