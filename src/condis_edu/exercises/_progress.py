"""What a reader can complete: every exercise and knowledge check, for the site's progress displays.

The site shows, per notebook, how many of its exercises and knowledge checks the reader has done.
What exists comes from the registry, at build time (``tools/mkdocs_hooks.py`` embeds it in every
page); what the reader did stays in their browser.
"""

from __future__ import annotations

import re
from typing import Literal, TypedDict

from condis_edu.exercises._core import exercises

__all__ = ["KINDS", "ProgressItem", "progress_items"]

ItemKind = Literal["exercise", "knowledge"]
KINDS: tuple[ItemKind, ...] = ("exercise", "knowledge")
"""The kinds of item a reader completes: an exercise (code, checked) or a knowledge check (a question)."""

_NOTEBOOK_ID = re.compile(r"^nb(?P<n>\d\d)-[a-z0-9-]+$")


class ProgressItem(TypedDict):
    """One item of the progress catalogue (the JSON object the site embeds)."""

    id: str
    kind: ItemKind
    notebook: int
    """The notebook's number: ``3`` for ``docs/notebooks/03-creating-a-vc.py``."""
    title: str


def _kind(item: object) -> ItemKind:
    # Every registered item says what it is: Exercise.kind is "exercise", KnowledgeCheck.kind "knowledge".
    kind = getattr(item, "kind", "exercise")
    if not isinstance(kind, str):
        return "exercise"
    if kind not in KINDS:
        raise ValueError(f"{getattr(item, 'id', item)!r} has kind {kind!r}; expected one of {', '.join(KINDS)}")
    return kind


def progress_items() -> list[ProgressItem]:
    """Every registered exercise and knowledge check, by notebook, in registration order.

    >>> first = progress_items()[0]
    >>> first["id"], first["kind"], first["notebook"]
    ('nb01-driver-entry', 'exercise', 1)
    """
    items: list[ProgressItem] = []
    for item_id, item in exercises().items():
        match = _NOTEBOOK_ID.match(item_id)
        if match is None:
            raise ValueError(f"id {item_id!r} does not name its notebook (expected nbNN-topic)")
        title = getattr(item, "title", "")
        items.append(
            ProgressItem(id=item_id, kind=_kind(item), notebook=int(match["n"]), title=str(title) or item_id)
        )
    return sorted(items, key=lambda i: i["notebook"])  # stable: registration order within a notebook
