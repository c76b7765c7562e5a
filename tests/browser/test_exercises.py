"""Exercises in the browser: every one can be solved live, and its solution opens only after an attempt.

For each notebook page with exercises we run the page, then, for each exercise, type the published
solution into the exercise cell as a reader would, run it and its check cell, and require a passing
result. The solution's ``<details>`` must be locked (closed, unopenable) before the first live check
and unlocked after it (``docs/js/exercises.js``).
"""

from __future__ import annotations

import pytest
from conftest import LIVE_TIMEOUT_MS, RecordedPage, SiteServer, notebook_pages, run_cell, set_cell_code

# (exercise id, exercise cell index, check cell index, solution source) for every exercise on the page.
EXERCISES_JS = """
() => {
  const cells = [...document.querySelectorAll("[data-condis-cell]")];
  const source = (c) => (c.querySelector(".jp-InputArea .highlight, .highlight-ipynb") || c).textContent.trim();
  const out = [];
  for (const d of document.querySelectorAll("details.condis-solution[data-exercise]")) {
    const id = d.dataset.exercise;
    const ex = cells.find((c) => source(c).startsWith(`# Exercise ${id}:`));
    const chk = cells.find((c) => source(c) === `check("${id}", ${source(ex).match(/def (\\w+)/)[1]})`);
    out.push([id, +ex.dataset.condisCell, +chk.dataset.condisCell, d.querySelector("pre").textContent.trim()]);
  }
  return out;
}
"""

# Every course notebook carries at least two exercises, so every notebook page is checked.
PAGES = notebook_pages()


def test_pages_with_exercises_exist() -> None:
    assert len(PAGES) >= 8


@pytest.mark.parametrize("path", PAGES)
def test_every_exercise_is_solvable_live(page: RecordedPage, site_server: SiteServer, path: str) -> None:
    p = page.page
    p.goto(site_server.base_url + path)
    p.evaluate("localStorage.clear()")
    p.reload()
    p.wait_for_selector("[data-condis-cell]")
    exercises = p.evaluate(EXERCISES_JS)
    assert len(exercises) >= 2, f"{path}: fewer than two exercises"

    for ex_id, _, _, _ in exercises:
        details = p.locator(f'details.condis-solution[data-exercise="{ex_id}"]')
        assert details.get_attribute("data-condis-locked") == "true", f"{ex_id}: solution not locked before a try"
        details.locator("summary").click()
        assert not details.evaluate("d => d.open"), f"{ex_id}: a locked solution opened"

    p.get_by_role("button", name="Run all", exact=True).click()
    p.wait_for_selector('.condis-toolbar[data-condis-run-all="done"]', timeout=LIVE_TIMEOUT_MS)

    for ex_id, exercise_cell, check_cell, solution in exercises:
        details = p.locator(f'details.condis-solution[data-exercise="{ex_id}"]')
        assert details.get_attribute("data-condis-locked") == "false", f"{ex_id}: the live check did not unlock it"
        assert p.evaluate("(k) => localStorage.getItem(k)", f"condis-edu:exercise:{ex_id}") == "fail"

        set_cell_code(p, exercise_cell, solution)
        assert run_cell(p, exercise_cell)["state"] == "done"
        assert run_cell(p, check_cell)["state"] == "done"
        result = p.locator(f'[data-condis-cell="{check_cell}"] .condis-output [data-exercise="{ex_id}"]')
        assert result.get_attribute("data-result") == "pass", f"{ex_id}: the published solution fails live"
        assert p.evaluate("(k) => localStorage.getItem(k)", f"condis-edu:exercise:{ex_id}") == "pass"
