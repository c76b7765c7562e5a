"""State machines as data: a table keyed by ``(state, input)``.

Each concept module (``vc``, ``call``, ``af``, ``sap``, ``adapter``, ``binding``) defines
its states and inputs as enums and one ``StateTable``. The engine only ever changes state
through ``StateTable.step``; diagrams and transition tests are generated from the same
tables, so code, pictures and tests cannot drift apart (the same idea as the explicit
state machines of the h11 and h2 protocol libraries).

A cell is either a ``Move`` (legal, go to ``target``) or a ``Refuse`` (NDIS answers the
request with ``status`` and nothing changes). A missing cell means the input is invalid
in that state; the engine reports it as a verifier finding or a usage error.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass

from condis_edu.mirror.status import status_name


@dataclass(frozen=True, slots=True)
class Move:
    """A legal transition."""

    target: enum.Enum


@dataclass(frozen=True, slots=True)
class Refuse:
    """NDIS refuses the input in this state with ``status``; the state does not change."""

    status: int
    reason: str
    source: str = ""


Cell = Move | Refuse


class StateTable:
    """A transition table plus the metadata needed to draw and test it."""

    def __init__(
        self,
        name: str,
        title: str,
        states: type[enum.Enum],
        inputs: type[enum.Enum],
        initial: enum.Enum,
        cells: dict[tuple[enum.Enum, enum.Enum], Cell],
        page: str,
        final: tuple[enum.Enum, ...] = (),
    ) -> None:
        for (state, event), cell in cells.items():
            if not isinstance(state, states) or not isinstance(event, inputs):
                raise TypeError(f"{name}: bad key {(state, event)!r}")
            if isinstance(cell, Move) and not isinstance(cell.target, states):
                raise TypeError(f"{name}: bad target {cell.target!r}")
        self.name = name
        self.title = title
        self.states = states
        self.inputs = inputs
        self.initial = initial
        self.cells = cells
        self.page = page
        self.final = final

    def step(self, state: enum.Enum, event: enum.Enum) -> Cell | None:
        """The cell for ``(state, event)``, or ``None`` if the input is invalid there."""
        return self.cells.get((state, event))

    def moves(self) -> Iterator[tuple[enum.Enum, enum.Enum, enum.Enum]]:
        """Every legal ``(state, input, target)``, in table order."""
        for (state, event), cell in self.cells.items():
            if isinstance(cell, Move):
                yield state, event, cell.target

    def refusals(self) -> Iterator[tuple[enum.Enum, enum.Enum, Refuse]]:
        """Every ``(state, input, refusal)``, in table order."""
        for (state, event), cell in self.cells.items():
            if isinstance(cell, Refuse):
                yield state, event, cell

    def to_mermaid(self) -> str:
        """Mermaid ``stateDiagram-v2`` source of the legal transitions."""
        lines = ["stateDiagram-v2", f"    [*] --> {self.initial.name}"]
        lines.extend(f"    {state.name} --> {target.name} : {event.name}" for state, event, target in self.moves())
        lines.extend(f"    {state.name} --> [*]" for state in self.final)
        return "\n".join(lines)

    def to_markdown(self) -> str:
        """A Markdown section: the diagram, then the refusal table."""

        parts = [
            f"## {self.title} {{#{self.name}}}",
            "",
            f"Source: <{self.page}>. States: "
            + ", ".join(f"`{s.name}`" for s in self.states)
            + ". Initial state: "
            + f"`{self.initial.name}`.",
            "",
            "```mermaid",
            self.to_mermaid(),
            "```",
            "",
        ]
        refusals = list(self.refusals())
        if refusals:
            parts += [
                "Requests NDIS refuses without changing state:",
                "",
                "| state | input | NDIS returns | why |",
                "|---|---|---|---|",
            ]
            for state, event, refuse in refusals:
                why = refuse.reason + (f" ({refuse.source})" if refuse.source else "")
                parts.append(f"| `{state.name}` | `{event.name}` | `{status_name(refuse.status)}` | {why} |")
            parts.append("")
        parts.append("Every other (state, input) pair is invalid: the verifier reports it.")
        parts.append("")
        return "\n".join(parts)
