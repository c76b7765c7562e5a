"""One deterministic queue for everything that happens later.

Entries are ordered by ``(time, priority, seq)``: simulated time first, then priority,
then the order in which they were scheduled (a monotonic counter breaks ties, as in
SimPy). There is no wall clock and no randomness, so a run always repeats exactly.

>>> s = Scheduler(step_budget=10)
>>> out = []
>>> _ = s.schedule(lambda: out.append("b"), "b", delay=1)
>>> _ = s.schedule(lambda: out.append("a"), "a")
>>> s.run_until_idle(), out, s.now
(2, ['a', 'b'], 1)
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass, field

from condis_edu.errors import StepBudgetExceeded


@dataclass(order=True, slots=True)
class Entry:
    """A scheduled callback."""

    time: int
    priority: int
    seq: int
    label: str = field(compare=False)
    callback: Callable[[], object] = field(compare=False, repr=False)
    cancelled: bool = field(default=False, compare=False)


class Scheduler:
    """A ``(time, priority, seq)`` priority queue with a step budget."""

    __slots__ = ("_heap", "_seq", "now", "step_budget", "steps_total")

    def __init__(self, step_budget: int = 100_000) -> None:
        self._heap: list[Entry] = []
        self._seq = 0
        self.now = 0
        self.step_budget = step_budget
        self.steps_total = 0

    def schedule(self, callback: Callable[[], object], label: str, delay: int = 0, priority: int = 0) -> Entry:
        """Run *callback* at ``now + delay`` (after everything already due at that time)."""
        if delay < 0:
            raise ValueError("delay must be >= 0")
        self._seq += 1
        entry = Entry(self.now + delay, priority, self._seq, label, callback)
        heapq.heappush(self._heap, entry)
        return entry

    def pending(self) -> list[str]:
        """Labels of the entries still queued, in the order they will run."""
        return [e.label for e in sorted(self._heap) if not e.cancelled]

    def __len__(self) -> int:
        return sum(1 for e in self._heap if not e.cancelled)

    def step(self) -> bool:
        """Run the next entry; return False if the queue is empty."""
        while self._heap:
            entry = heapq.heappop(self._heap)
            if entry.cancelled:
                continue
            self.now = entry.time
            self.steps_total += 1
            entry.callback()
            return True
        return False

    def run_until_idle(self, step_budget: int | None = None) -> int:
        """Run entries until the queue is empty; return how many ran.

        Raises:
            StepBudgetExceeded: more than *step_budget* (default: the scheduler's) entries
                ran in this call. The remaining entries stay queued.
        """
        budget = self.step_budget if step_budget is None else step_budget
        steps = 0
        while self._heap:
            if steps >= budget:
                raise StepBudgetExceeded(
                    f"the simulation ran {steps} steps without going idle (step_budget={budget}); "
                    f"next entries: {', '.join(self.pending()[:5])}. A driver is probably re-queuing "
                    "work forever; raise Machine(step_budget=...) if the run is really that long."
                )
            if self.step():
                steps += 1
        return steps
