"""The rule pages teach: every example runs and shows its rule; every course link has a target."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from condis_edu.verifier import RULES

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
from docgen import rule_pages
from docgen.rule_lessons import LESSONS, TAUGHT_IN, Lesson
from docgen.rule_pages import ExampleError, has_examples, heading_anchor, run_example

NOTEBOOKS = Path(__file__).resolve().parents[2] / "docs" / "notebooks"
WITH_EXAMPLES = [rule_id for rule_id, rule in RULES.items() if has_examples(rule)]


def test_every_checked_rule_has_examples() -> None:
    wanted = [r.id for r in RULES.values() if r.checked]
    assert len(wanted) >= 100
    assert [rule_id for rule_id in wanted if rule_id not in WITH_EXAMPLES] == []
    assert {RULES[rule_id].family for rule_id in WITH_EXAMPLES} == {r.family for r in RULES.values() if r.checked}


def test_lessons_name_catalogued_rules_in_plain_words() -> None:
    assert set(LESSONS) <= set(RULES)
    for rule_id, lesson in LESSONS.items():
        assert len(lesson.meaning.split()) >= 12, rule_id
        assert lesson.meaning != RULES[rule_id].summary, rule_id
        assert bool(lesson.broken) == bool(lesson.fixed), rule_id


@pytest.mark.parametrize("rule_id", WITH_EXAMPLES)
def test_broken_triggers_exactly_its_rule_and_fixed_triggers_none(rule_id: str) -> None:
    run = run_example(rule_id)
    assert run.broken_rules and set(run.broken_rules) == {rule_id}
    assert run.fixed_rules == []
    assert run.broken_output.strip() == str(run.broken_rules) and run.fixed_output.strip() == "[]"


def test_an_example_that_shows_nothing_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    good = LESSONS["R2.09"]
    monkeypatch.setitem(rule_pages.LESSONS, "R2.09", Lesson(good.meaning, good.fixed, good.fixed))
    with pytest.raises(ExampleError, match=r"triggers \[\], not exactly R2\.09"):
        run_example("R2.09")
    monkeypatch.setitem(rule_pages.LESSONS, "R2.09", Lesson(good.meaning, good.broken, good.broken))
    with pytest.raises(ExampleError, match="fixed example still triggers"):
        run_example("R2.09")


def notebook_headings(stem: str) -> list[str]:
    text = (NOTEBOOKS / f"{stem}.py").read_text(encoding="utf-8")
    return [h.strip() for h in re.findall(r"^# ## (.+)$", text, re.M)]


@pytest.mark.parametrize(("stem", "heading"), sorted(TAUGHT_IN))
def test_course_links_point_at_real_notebook_sections(stem: str, heading: str) -> None:
    headings = notebook_headings(stem)
    assert heading in headings, f"notebook {stem} has no section {heading!r}"
    anchors = [heading_anchor(h) for h in headings]
    assert anchors.count(heading_anchor(heading)) == 1, "two sections would share the anchor"
    assert set(TAUGHT_IN[(stem, heading)].split()) <= set(RULES)


def test_pages_link_every_taught_rule_to_its_sections() -> None:
    pages = rule_pages.render_all()
    for (stem, heading), ids in TAUGHT_IN.items():
        link = f"(../notebooks/{stem}.py#{heading_anchor(heading)})"
        for rule_id in ids.split():
            page = pages[f"{RULES[rule_id].family}.md"]
            section = page.split(f"{{#{RULES[rule_id].anchor}}}", 1)[1].split("\n## ", 1)[0]
            assert link in section, (rule_id, link)


def test_maintainer_detail_is_folded_away() -> None:
    for name, content in rule_pages.render_all().items():
        for line in content.splitlines():
            if "Catalogue source" in line or "test_verifier_rules.py" in line:
                assert line.startswith("    - "), (name, line)  # inside the collapsed block
