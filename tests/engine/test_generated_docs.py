"""Generated pages match the code: rule pages, state-machine page, and anchors."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from condis_edu.verifier import RULES, anchor

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
from docgen.rule_pages import render_all
from docgen.state_machines import render

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_rule_pages_are_up_to_date() -> None:
    for name, content in render_all().items():
        page = DOCS / "rules" / name
        assert page.exists(), f"run python tools/docgen/rule_pages.py docs/rules ({name} missing)"
        assert page.read_text(encoding="utf-8") == content, f"{name} is stale: regenerate it"


def test_every_rule_has_exactly_one_anchor() -> None:
    anchors: dict[str, int] = {}
    for name, content in render_all().items():
        for found in re.findall(r"\{#([a-z0-9-]+)\}", content):
            anchors[found] = anchors.get(found, 0) + 1
            assert found in {anchor(rule_id) for rule_id in RULES}
            rule = next(r for r in RULES.values() if r.anchor == found)
            assert rule.page == f"rules/{name}#{found}"
    assert sorted(anchors) == sorted(anchor(rule_id) for rule_id in RULES)
    assert set(anchors.values()) == {1}


def test_anchor_mapping() -> None:
    assert anchor("R2.09") == "r2-09" and anchor("X1.01") == "x1-01"


def test_state_machine_page_is_up_to_date() -> None:
    page = DOCS / "reference" / "state-machines.md"
    assert page.read_text(encoding="utf-8") == render(), "run python -m condis_edu.diagrams"
