"""What a benchmark case is: a prepared chain, how to send it round, and how to check it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from condis_edu.ndis import NET_BUFFER_LIST

SendMany = Callable[[int], None]
"""``send_many(rounds)``: send the prepared chain *rounds* times, all the way round each time
(send, miniport, completion, the client's completion handler). The loop lives inside the case
so engine and floor are timed the same way: one Python loop, one iteration per chain."""



@dataclass(slots=True)
class Case:
    """A prepared benchmark case: how to push the chain through, and how to check it."""

    chain_length: int
    send_many: SendMany
    completed: Callable[[], int]
    """How many NBLs have come back to the client so far (to check nothing was lost)."""
    close: Callable[[], None] = lambda: None


CompletionHandler = Callable[[object, NET_BUFFER_LIST, int], None]
"""The client's send-completion handler, which both the engine run and the floor end in."""

CaseFactory = Callable[[str, int], tuple[Case, NET_BUFFER_LIST, CompletionHandler, object]]
"""``factory(mode, chain_length)`` -> (case, chain head, completion handler, handler context)."""
