"""Exercises and knowledge checks in the browser (``docs/js/exercises.js``).

For every notebook page: the solutions are locked at first, and "Run all" neither unlocks them nor
reveals a hint (it is not the reader's attempt). Then, for each exercise, we run its check cell
ourselves on the starting code: that failed attempt unlocks the solution, stores the result under
the progress contract's key, offers hint 1 and then hint 2 on request, and shows the reader's trace
beside the reference driver's with the first divergence marked. Typing the published solution
and checking again passes. The page's knowledge check is answered wrongly, then rightly (the right
answer comes from the engine, in this process). After a reload, the passes are still shown.

A separate test runs a check cell before anything else: it must explain what to run, not raise
``NameError``; and results stored under the old key are carried over.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import LIVE_TIMEOUT_MS, RecordedPage, SiteServer, notebook_pages, run_cell, set_cell_code
from playwright.sync_api import Page

from condis_edu.exercises import get, quiz

RESULT_KEY = "condis-edu:v1:result:"

# (exercise id, exercise cell index, check cell index, solution source) for every exercise on the page.
EXERCISES_JS = """
() => {
  const cells = [...document.querySelectorAll("[data-condis-cell]")];
  const source = (c) => (c.querySelector(".jp-InputArea .highlight, .highlight-ipynb") || c).textContent.trim();
  const out = [];
  for (const d of document.querySelectorAll("details.condis-solution[data-exercise]")) {
    const id = d.dataset.exercise;
    const ex = cells.find((c) => source(c).startsWith(`# Exercise ${id}:`));
    const chk = cells.find((c) => source(c).endsWith(`check("${id}")`));
    out.push([id, +ex.dataset.condisCell, +chk.dataset.condisCell, d.querySelector("pre").textContent.trim()]);
  }
  return out;
}
"""

# Every "condis:result" event the page dispatches, kept on window for the test to read.
LISTEN_JS = """
() => { window.__results = [];
        document.addEventListener("condis:result", (e) => window.__results.push(e.detail)); }
"""

PAGES = notebook_pages()


def stored(p: Page, item_id: str) -> dict[str, Any] | None:
    raw = p.evaluate("(k) => localStorage.getItem(k)", RESULT_KEY + item_id)
    return None if raw is None else json.loads(raw)  # type: ignore[no-any-return]


def check_output(p: Page, cell: int, ex_id: str) -> Any:
    return p.locator(f'[data-condis-cell="{cell}"] .condis-output .condis-check[data-exercise="{ex_id}"]')


def test_pages_with_exercises_exist() -> None:
    assert len(PAGES) >= 8


@pytest.mark.parametrize("path", PAGES)
def test_exercises_and_knowledge_checks_live(page: RecordedPage, site_server: SiteServer, path: str) -> None:
    p = page.page
    p.goto(site_server.base_url + path)
    p.evaluate("localStorage.clear(); sessionStorage.clear()")
    p.reload()
    p.wait_for_selector("[data-condis-cell]")
    p.evaluate(LISTEN_JS)
    exercises = p.evaluate(EXERCISES_JS)
    assert len(exercises) >= 2, f"{path}: fewer than two exercises"

    for ex_id, _, _, _ in exercises:
        details = p.locator(f'details.condis-solution[data-exercise="{ex_id}"]')
        assert details.get_attribute("data-condis-locked") == "true", f"{ex_id}: solution not locked before a try"
        details.locator("summary").click()
        assert not details.evaluate("d => d.open"), f"{ex_id}: a locked solution opened"
    # The build-time result carries the hints, all hidden.
    assert p.locator(".jp-Cell-outputWrapper .condis-check__hint:visible").count() == 0

    # Run all is not an attempt: nothing unlocks, no hint is offered, nothing is stored.
    p.get_by_role("button", name="Run all", exact=True).click()
    p.wait_for_selector('.condis-toolbar[data-condis-run-all="done"]', timeout=LIVE_TIMEOUT_MS)
    for ex_id, _, check_cell, _ in exercises:
        result = check_output(p, check_cell, ex_id)
        assert result.get_attribute("data-result") == "fail"
        assert result.get_attribute("data-condis-attempt") == "run-all"
        details = p.locator(f'details.condis-solution[data-exercise="{ex_id}"]')
        assert details.get_attribute("data-condis-locked") == "true", f"{ex_id}: Run all unlocked the solution"
        assert stored(p, ex_id) is None, f"{ex_id}: Run all stored a result"
    assert p.locator(".condis-hint-btn").count() == 0, "Run all offered a hint"
    assert p.locator(".condis-check__hint:visible, .condis-diff:visible").count() == 0, "Run all revealed hints"

    for ex_id, exercise_cell, check_cell, solution in exercises:
        # The reader's own failed attempt.
        assert run_cell(p, check_cell)["state"] == "done"
        result = check_output(p, check_cell, ex_id)
        assert result.get_attribute("data-condis-attempt") == "own"
        details = p.locator(f'details.condis-solution[data-exercise="{ex_id}"]')
        assert details.get_attribute("data-condis-locked") == "false", f"{ex_id}: the attempt did not unlock it"
        record = stored(p, ex_id)
        assert record is not None and record["kind"] == "exercise" and record["passed"] is False
        assert record["page"] == "/" + path and record["at"].endswith("Z")

        # Hints one at a time, on request.
        hints = result.locator(".condis-check__hint")
        assert hints.count() == len(get(ex_id).hints) >= 2
        assert result.locator(".condis-check__hint:visible").count() == 0
        button = result.locator(".condis-hint-btn")
        assert button.is_visible() and "1 of" in button.inner_text()
        button.click()
        assert hints.nth(0).is_visible() and not hints.nth(1).is_visible()
        assert hints.nth(0).get_attribute("data-hint") == "1" and hints.nth(0).inner_text().strip()
        button.click()
        assert hints.nth(1).is_visible()

        # The trace beside the reference's, the first divergence marked.
        diff = result.locator(".condis-diff")
        assert diff.is_visible(), f"{ex_id}: no trace comparison after a failed attempt"
        assert result.locator(".condis-diff__row").count() > 0
        first = result.locator('.condis-diff__row[data-first="true"]')
        assert first.count() <= 1
        if first.count():
            assert first.get_attribute("data-diff") != "same" and "first difference" in first.inner_text()

        # The published solution passes, and the pass is stored.
        set_cell_code(p, exercise_cell, solution)
        assert run_cell(p, exercise_cell)["state"] == "done"
        assert run_cell(p, check_cell)["state"] == "done"
        result = check_output(p, check_cell, ex_id)
        assert result.get_attribute("data-result") == "pass", f"{ex_id}: the published solution fails live"
        assert "Passed on" in result.inner_text()
        record = stored(p, ex_id)
        assert record is not None and record["passed"] is True

    # The page's knowledge check, graded in the page, its answer from the engine.
    quizzes = p.locator(".jp-Cell-outputWrapper .condis-quiz[data-knowledge]")
    assert quizzes.count() >= 1, f"{path}: no knowledge check"
    knowledge = quizzes.first.get_attribute("data-knowledge") or ""
    view = p.locator(f'.condis-output .condis-quiz[data-knowledge="{knowledge}"]')  # Run all's live copy
    question = quiz(knowledge).question
    wrong = next(c for c in question.choices if c != question.answer)
    view.locator(f'.condis-quiz__choice[data-choice="{wrong}"]').click()
    assert view.get_attribute("data-graded") == "wrong"
    assert "Not quite" in view.locator(".condis-quiz__feedback").inner_text()
    assert not view.locator(".condis-quiz__explain").is_visible()
    record = stored(p, knowledge)
    assert record is not None and record["kind"] == "knowledge" and record["passed"] is False
    view.locator(f'.condis-quiz__choice[data-choice="{question.answer}"]').click()
    assert view.get_attribute("data-graded") == "right"
    assert view.locator(".condis-quiz__explain").is_visible()
    view.locator(f'.condis-quiz__choice[data-choice="{wrong}"]').click()  # a later mistake keeps the pass
    record = stored(p, knowledge)
    assert record is not None and record["kind"] == "knowledge" and record["passed"] is True

    events = p.evaluate("window.__results")
    assert {(e["id"], e["kind"]) for e in events} >= {(ex[0], "exercise") for ex in exercises} | {
        (knowledge, "knowledge")
    }
    assert all(set(e) == {"id", "kind", "passed", "at", "page"} for e in events)

    # After a reload the passes are still there, over the build-time "Not yet".
    p.reload()
    p.wait_for_selector("[data-condis-cell]")
    for ex_id, _, check_cell, _ in exercises:
        static = p.locator(f'[data-condis-cell="{check_cell}"] .jp-Cell-outputWrapper .condis-check')
        assert static.get_attribute("data-condis-stored") == "pass"
        assert "Passed on" in static.inner_text()
        details = p.locator(f'details.condis-solution[data-exercise="{ex_id}"]')
        assert details.get_attribute("data-condis-locked") != "true"
    assert "Answered correctly" in quizzes.first.inner_text()


def test_check_cell_run_first_explains_and_old_results_carry_over(
    page: RecordedPage, site_server: SiteServer
) -> None:
    p = page.page
    path = "notebooks/03-creating-a-vc/"
    p.goto(site_server.base_url + path)
    p.evaluate("localStorage.clear(); localStorage.setItem('condis-edu:exercise:nb03-vc-limit', 'pass')")
    p.reload()
    p.wait_for_selector("[data-condis-cell]")
    exercises = {e[0]: e for e in p.evaluate(EXERCISES_JS)}

    # The old key became a result under the new contract, and its solution is open.
    record = stored(p, "nb03-vc-limit")
    assert record is not None and record["kind"] == "exercise" and record["passed"] is True
    assert p.evaluate("localStorage.getItem('condis-edu:exercise:nb03-vc-limit')") is None
    assert p.locator('details.condis-solution[data-exercise="nb03-vc-limit"]').get_attribute(
        "data-condis-locked"
    ) != "true"

    # The check cell first, in a fresh runtime: guidance, no NameError, and it is no attempt.
    _, _, check_cell, _ = exercises["nb03-create-vc"]
    out = run_cell(p, check_cell)
    assert out["state"] == "done", out["text"]
    assert "NameError" not in out["text"]
    assert "Not checked yet" in out["text"] and "Run the exercise cell first" in out["text"]
    assert "MyCoCreateVc" in out["text"]
    assert stored(p, "nb03-create-vc") is None
    assert p.locator('details.condis-solution[data-exercise="nb03-create-vc"]').get_attribute(
        "data-condis-locked"
    ) == "true"
