"""The progress catalogue: what a reader can complete comes from the exercise registry, not a list by hand."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from condis_edu.exercises import _core, exercises, progress_items

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import mkdocs_hooks  # noqa: E402

NOTEBOOKS = sorted((ROOT / "docs" / "notebooks").glob("*.py"))


@pytest.fixture
def extra_item() -> Iterator[dict[str, object]]:
    """Register one more item for the test's duration (put back afterwards)."""
    exercises()  # the catalogue is registered before the test adds to it
    added: dict[str, object] = {}
    yield added
    for key in added:
        _core._REGISTRY.pop(key, None)


def _add(added: dict[str, object], item_id: str, **attrs: object) -> None:
    item = SimpleNamespace(id=item_id, **attrs)
    _core._REGISTRY[item_id] = item  # type: ignore[assignment]
    added[item_id] = item


def test_every_exercise_is_an_item_once_with_its_notebook_and_title() -> None:
    items = progress_items()
    registered = exercises()
    assert [i["id"] for i in items] and len({i["id"] for i in items}) == len(items) == len(registered)
    for item in items:
        ex = registered[item["id"]]
        assert item["kind"] == ex.kind in ("exercise", "knowledge")
        assert item["title"] == ex.title
        assert item["id"].startswith(f"nb{item['notebook']:02d}-")
    notebooks = [i["notebook"] for i in items]
    assert notebooks == sorted(notebooks), "items are grouped by notebook, in course order"
    # every notebook of the course has items (each ends with a knowledge check and two exercises or more)
    assert {i["kind"] for i in items} == {"exercise", "knowledge"}
    assert sorted(set(notebooks)) == sorted(int(p.name[:2]) for p in NOTEBOOKS)
    assert json.loads(json.dumps(items)) == items, "items are plain JSON"


def test_a_knowledge_check_in_the_registry_appears_with_its_kind(extra_item: dict[str, object]) -> None:
    _add(extra_item, "nb03-kc-vc-owner", kind="knowledge", title="Who creates a VC?")
    items = {i["id"]: i for i in progress_items()}
    assert items["nb03-kc-vc-owner"] == {
        "id": "nb03-kc-vc-owner",
        "kind": "knowledge",
        "notebook": 3,
        "title": "Who creates a VC?",
    }
    ids = [i["id"] for i in progress_items()]
    assert ids.index("nb03-kc-vc-owner") < ids.index("nb04-deactivate-vc")


def test_an_unknown_kind_or_an_id_without_its_notebook_is_an_error(extra_item: dict[str, object]) -> None:
    _add(extra_item, "nb03-odd", kind="quiz", title="x")
    with pytest.raises(ValueError, match="'quiz'"):
        progress_items()
    extra_item.clear()
    _core._REGISTRY.pop("nb03-odd")
    _add(extra_item, "vc-quiz", kind="knowledge", title="x")
    with pytest.raises(ValueError, match="nbNN-topic"):
        progress_items()


def test_the_embedded_catalogue_gives_each_item_its_page() -> None:
    notebooks = [
        {"notebook": int(p.name[:2]), "url": f"notebooks/{p.stem}/", "title": f"{int(p.name[:2])}. </script>"}
        for p in NOTEBOOKS
    ]
    text = mkdocs_hooks.progress_catalogue(list(reversed(notebooks)))
    data = json.loads(text)
    assert [n["notebook"] for n in data["notebooks"]] == sorted(n["notebook"] for n in notebooks)
    for item in data["items"]:
        assert re.fullmatch(rf"notebooks/{item['notebook']:02d}-[a-z0-9-]+/", item["page"]), item
    with pytest.raises(ValueError, match="no page in the navigation"):
        mkdocs_hooks.progress_catalogue(notebooks[1:])

