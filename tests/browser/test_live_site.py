"""The site as a whole, in Chromium: the playground, narrow screens, and no request leaves the origin."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import SITE, RecordedPage, SiteServer, notebook_pages, open_page
from playwright.sync_api import Browser, Page


def site_pages() -> list[str]:
    """Every HTML page of the built site, as a site-relative path."""
    pages = []
    for index in sorted(SITE.rglob("index.html")):
        rel = index.parent.relative_to(SITE).as_posix()
        if rel.startswith(("assets", "js", "pyodide", "search")):
            continue
        pages.append("" if rel == "." else rel + "/")
    return pages


def editor_text(page: Page) -> str:
    """The playground editor's whole document (CodeMirror only renders the lines in view)."""
    return page.evaluate("document.querySelector('#condis-playground .cm-content').cmView.view.state.doc.toString()")


def open_playground(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("#condis-playground[data-condis-ready]")


@pytest.mark.parametrize("path", site_pages())
def test_no_request_leaves_the_origin(page: RecordedPage, site_server: SiteServer, path: str) -> None:
    # The `page` fixture fails the test at teardown when a request went elsewhere.
    page.page.goto(site_server.base_url + path, wait_until="networkidle")
    assert not [u for u in page.requests if "/pyodide/" in u], f"{path}: Pyodide loaded before any Run"


def test_playground_share_link_round_trips(browser: Browser, site_server: SiteServer) -> None:
    code = "# shared ✓ — ünïcode\nprint('hello from a link')\n"
    context = browser.new_context()
    try:
        rec = open_page(context, site_server)
        page = rec.page
        open_playground(page, site_server.base_url + "playground/")
        page.locator("#condis-playground .cm-content").click()
        page.keyboard.press("ControlOrMeta+a")
        page.keyboard.press("Delete")
        page.keyboard.insert_text(code)
        page.get_by_role("button", name="Share link", exact=True).click()
        link = page.locator("#condis-pg-share").input_value()
        assert "#code=" in link and link.startswith(site_server.base_url + "playground/")

        other = browser.new_context()
        try:
            rec2 = open_page(other, site_server)
            open_playground(rec2.page, link)
            assert editor_text(rec2.page) == code.rstrip("\n") + "\n" or editor_text(rec2.page) == code
            assert not rec2.foreign_requests()
        finally:
            other.close()

        # The work is kept in localStorage: a plain reload (no fragment) shows it again.
        page.goto(site_server.base_url + "playground/")
        page.wait_for_selector("#condis-playground[data-condis-ready]")
        assert editor_text(page) in (code, code.rstrip("\n") + "\n")
        assert not rec.foreign_requests()
    finally:
        context.close()


def test_playground_examples_and_run(browser: Browser, site_server: SiteServer) -> None:
    context = browser.new_context()
    try:
        rec = open_page(context, site_server)
        page = rec.page
        open_playground(page, site_server.base_url + "playground/")
        options = page.locator("#condis-pg-example option").all_inner_texts()
        assert len(options) >= 3
        page.select_option("#condis-pg-example", "loopback")
        assert "loopback_miniport" in editor_text(page)
        page.get_by_role("button", name="Run", exact=True).click()
        out = page.locator('#condis-playground .condis-output[data-state="done"]')
        out.wait_for(timeout=90_000)
        assert "loopback0 RUNNING" in out.inner_text()
        # Esc leaves the editor; focus goes to Run.
        page.locator("#condis-playground .cm-content").click()
        page.keyboard.press("Escape")
        assert page.evaluate("document.activeElement.textContent") == "Run"
        assert not rec.foreign_requests()
    finally:
        context.close()


def test_every_playground_example_runs_live(browser: Browser, site_server: SiteServer) -> None:
    """The picker offers the package's catalogue (condis_edu.scenarios), grouped, and each entry
    shows live what the package's own tests expect of it."""
    from condis_edu.scenarios import GROUPS, SCENARIOS

    context = browser.new_context()
    try:
        rec = open_page(context, site_server)
        page = rec.page
        open_playground(page, site_server.base_url + "playground/")
        groups = page.locator("#condis-pg-example optgroup").evaluate_all("(gs) => gs.map((g) => g.label)")
        assert groups == list(GROUPS)
        ids = page.locator("#condis-pg-example option").evaluate_all("(os) => os.map((o) => o.value)")
        assert ids == ["", *(s.id for s in SCENARIOS)]
        for scenario in SCENARIOS:
            page.select_option("#condis-pg-example", scenario.id)
            assert editor_text(page).rstrip("\n") == scenario.code.rstrip("\n")
            assert page.locator("#condis-pg-summary").inner_text() == scenario.summary
            if scenario.endless:
                continue  # Stop is tested on its own (test_live_cells.py)
            page.evaluate("() => { const o = document.querySelector('#condis-playground .condis-output');"
                          " o.dataset.state = 'previous'; }")
            page.get_by_role("button", name="Run", exact=True).click()
            out = page.locator('#condis-playground .condis-output[data-state="done"], '
                               '#condis-playground .condis-output[data-state="error"]')
            out.wait_for(timeout=90_000)
            assert out.get_attribute("data-state") == "done", f"{scenario.id}: {out.inner_text()[-2000:]}"
            # What a reader can read: the text, plus the source of each diagram drawn.
            shown = out.evaluate(
                "(o) => o.textContent + [...o.querySelectorAll('[data-mermaid-source]')]"
                ".map((d) => d.dataset.mermaidSource).join('\\n')"
            )
            missing = [text for text in scenario.expect if text not in shown]
            assert not missing, f"{scenario.id}: {missing} not in the live output"
        assert not rec.foreign_requests()
    finally:
        context.close()


@pytest.mark.parametrize("path", [*notebook_pages()[:1], "playground/"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_narrow_screen_stays_readable(browser: Browser, site_server: SiteServer, path: str, scheme: str) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740}, color_scheme=scheme, is_mobile=True)
    try:
        rec = open_page(context, site_server)
        page = rec.page
        page.goto(site_server.base_url + path, wait_until="networkidle")
        page.wait_for_selector(".condis-toolbar")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path}: the page scrolls sideways by {overflow}px at 375px"
        for name in ("Run all", "Stop", "Restart") if path.startswith("notebooks") else ("Run", "Stop", "Restart"):
            box = page.locator(".condis-toolbar").get_by_role("button", name=name, exact=True).bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= 375, f"{name} is off screen"
            assert box["height"] >= 24, f"{name} is too small to tap"
        shots = Path(__file__).resolve().parents[2] / "test-results"
        shots.mkdir(exist_ok=True)
        page.screenshot(path=str(shots / f"narrow-{scheme}-{path.strip('/').replace('/', '-')}.png"))
        assert not rec.foreign_requests(), json.dumps(rec.foreign_requests())
    finally:
        context.close()
