"""Live cells on notebook pages, in Chromium: editing, errors, Stop, Restart, navigation, keyboard.

One cross-origin isolated page with a started runtime is shared by the tests of this module (a cold
Pyodide start costs ~2-3 s on two cores); each test uses its own variables. Tests that need their own
runtime (no COOP/COEP, a broken runtime) open their own context.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from conftest import (
    LIVE_TIMEOUT_MS,
    RecordedPage,
    SiteServer,
    follow_sitemap,
    instant_navigate,
    notebook_pages,
    open_page,
    run_cell,
    set_cell_code,
)
from playwright.sync_api import Browser, Page

PAGES = notebook_pages()


def first_page() -> str:
    assert PAGES, "the built site has no notebook pages"
    return PAGES[0]


@pytest.fixture(scope="module")
def live(browser: Browser, site_server: SiteServer) -> Iterator[RecordedPage]:
    """A notebook page whose runtime is started (first cell run once)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    follow_sitemap(context, site_server)
    rec = open_page(context, site_server)
    rec.page.goto(site_server.base_url + first_page())
    result = run_cell(rec.page, 0)
    assert result["state"] == "done", result
    yield rec
    foreign = rec.foreign_requests()
    context.close()
    assert not foreign, "requests left the site's origin:\n" + json.dumps(sorted(set(foreign)), indent=1)


FORGET_EDITS_JS = """() => {
  const kept = Object.keys(localStorage).filter((k) => k.startsWith("condis-edu:v1:cells:"));
  kept.forEach((k) => localStorage.removeItem(k));
  return kept.length;
}"""


def reload_page(live: RecordedPage, server: SiteServer) -> Page:
    """Back to a pristine first notebook page (full load: module state, runtime and all, is reset).

    Edited cells are saved in the browser and come back on a reload: a test's edits are forgotten
    first, so the next test starts from the page's own code.
    """
    page = live.page
    page.goto(server.base_url + first_page())
    page.wait_for_selector("[data-condis-cell]")
    if page.evaluate(FORGET_EDITS_JS):
        page.reload()
        page.wait_for_selector("[data-condis-cell]")
    return page


def wasm_fetches(rec: RecordedPage) -> int:
    return sum(1 for u in rec.requests if u.endswith("/pyodide/pyodide.asm.wasm"))


def test_cells_are_marked_with_run_buttons_and_toolbar(live: RecordedPage) -> None:
    page = live.page
    cells = page.locator("[data-condis-cell]")
    assert cells.count() >= 1
    for i in range(cells.count()):
        cell = page.locator(f'[data-condis-cell="{i}"]')
        assert cell.get_attribute("id", timeout=1000).startswith("cell-id=")
        assert cell.get_by_role("button", name="Run", exact=True).count() == 1
    toolbar = page.locator(".condis-toolbar")
    for name in ("Run all", "Stop", "Restart"):
        assert toolbar.get_by_role("button", name=name, exact=True).count() == 1


def test_edit_run_and_reset_to_original(live: RecordedPage) -> None:
    page = live.page
    cell = page.locator('[data-condis-cell="0"]')
    static_text = cell.locator(".jp-Cell-outputWrapper").text_content()
    original = page.evaluate("document.querySelector('[data-condis-cell=\"0\"] .clipboard-copy-txt').textContent")

    set_cell_code(page, 0, 'print("edited", 6 * 7)\n{"answer": 42}')
    result = run_cell(page, 0)
    assert result["state"] == "done"
    assert "edited 42" in result["text"] and "{'answer': 42}" in result["text"]
    assert cell.locator(".jp-Cell-outputWrapper").is_hidden(), "static output must hide while live output shows"

    cell.get_by_role("button", name="Reset", exact=True).click()
    assert cell.locator(".condis-output").count() == 0
    assert cell.locator(".jp-Cell-outputWrapper").is_visible()
    assert cell.locator(".jp-Cell-outputWrapper").text_content() == static_text
    code = page.evaluate(
        "[...document.querySelectorAll('[data-condis-cell=\"0\"] .cm-line')].map(l => l.textContent).join('\\n')"
    )
    assert code == original


def test_exception_shows_traceback_trimmed_to_reader_code(live: RecordedPage) -> None:
    page = live.page
    set_cell_code(page, 0, "import json\n\ndef parse(text):\n    return json.loads(text)\n\nparse('{broken')")
    result = run_cell(page, 0)
    text = result["text"]
    assert result["state"] == "error"
    assert "Cell 1, line 6" in text and "Cell 1, line 4, in parse" in text
    assert "JSONDecodeError" in text.splitlines()[-1]
    assert "frames in the Python standard library hidden" in text
    for noise in ("condis_live", "_pyodide", "/lib/python3", 'File "'):
        assert noise not in text, f"traceback not trimmed: {noise!r} in\n{text}"
    page.locator('[data-condis-cell="0"]').get_by_role("button", name="Reset", exact=True).click()


def test_syntax_error_names_the_cell(live: RecordedPage) -> None:
    page = live.page
    set_cell_code(page, 0, "x = (1,\n")
    result = run_cell(page, 0)
    assert result["state"] == "error"
    assert "Cell 1, line 1" in result["text"] and "SyntaxError" in result["text"]
    page.locator('[data-condis-cell="0"]').get_by_role("button", name="Reset", exact=True).click()


def test_rich_outputs_html_markdown_and_live_mermaid(live: RecordedPage) -> None:
    page = live.page
    code = (
        "from IPython.display import HTML, Markdown, display\n"
        "display(Markdown('**bold** text'))\n"
        "display(HTML('<table><tr><td>cell</td></tr></table>'))\n"
        "HTML('<pre class=\"mermaid\">flowchart LR\\n  A --&gt; B</pre>')"
    )
    set_cell_code(page, 0, code)
    result = run_cell(page, 0)
    assert result["state"] == "done", result
    out = page.locator('[data-condis-cell="0"] .condis-output')
    out.locator("strong", has_text="bold").wait_for()
    assert out.locator("table td", has_text="cell").count() == 1
    diagram = out.locator("div.condis-mermaid")
    assert diagram.get_attribute("data-mermaid-source") == "flowchart LR\n  A --> B"
    diagram.locator("svg").first.wait_for()
    assert "<IPython" not in result["text"], "text/plain must not show when a richer MIME type exists"
    page.locator('[data-condis-cell="0"]').get_by_role("button", name="Reset", exact=True).click()


def test_last_expression_display_rules(live: RecordedPage) -> None:
    page = live.page
    set_cell_code(page, 0, "value = 5\nvalue * 2;")
    assert run_cell(page, 0)["text"].strip() == ""
    set_cell_code(page, 0, "None")
    assert run_cell(page, 0)["text"].strip() == ""
    set_cell_code(page, 0, "value + 1  # a comment")
    assert run_cell(page, 0)["text"].strip() == "6"
    page.locator('[data-condis-cell="0"]').get_by_role("button", name="Reset", exact=True).click()


def test_stop_interrupts_infinite_loop_with_isolation(live: RecordedPage) -> None:
    page = live.page
    assert page.evaluate("crossOriginIsolated"), "the COOP/COEP server should isolate the page"
    set_cell_code(page, 0, "kept = 'still here'\nwhile True:\n    pass")
    run_cell(page, 0, wait=False)
    out = page.locator('[data-condis-cell="0"] .condis-output[data-state="running"]')
    out.wait_for()
    page.wait_for_timeout(300)
    runtime = page.evaluate("() => condisLive.state().info.timings")
    page.locator(".condis-toolbar").get_by_role("button", name="Stop", exact=True).click()
    page.locator('[data-condis-cell="0"] .condis-output[data-state="error"]').wait_for(timeout=LIVE_TIMEOUT_MS)
    assert "KeyboardInterrupt" in page.locator('[data-condis-cell="0"] .condis-output').inner_text()
    # A real interrupt, not a new worker: the same runtime, and the namespace is kept (the
    # variable set before the loop survives).
    assert page.evaluate("() => condisLive.state().info.timings") == runtime
    set_cell_code(page, 0, "kept")
    assert "still here" in run_cell(page, 0)["text"]
    page.locator('[data-condis-cell="0"]').get_by_role("button", name="Reset", exact=True).click()


def test_restart_clears_the_namespace(live: RecordedPage) -> None:
    page = live.page
    set_cell_code(page, 0, "before_restart = 1\nbefore_restart")
    assert run_cell(page, 0)["text"].strip() == "1"
    page.locator(".condis-toolbar").get_by_role("button", name="Restart", exact=True).click()
    page.wait_for_function("() => window.condisLive.state().status === 'ready'", timeout=LIVE_TIMEOUT_MS)
    set_cell_code(page, 0, "before_restart")
    result = run_cell(page, 0)
    assert result["state"] == "error" and "NameError" in result["text"]
    page.locator('[data-condis-cell="0"]').get_by_role("button", name="Reset", exact=True).click()


def test_run_all_stops_at_first_error(live: RecordedPage, site_server: SiteServer) -> None:
    page = live.page
    cells = page.locator("[data-condis-cell]").count()
    if cells < 2:
        pytest.fail("the first notebook needs at least two code cells for this test")
    set_cell_code(page, 0, "raise RuntimeError('first cell fails')")
    page.evaluate("delete document.querySelector('.condis-toolbar').dataset.condisRunAll")
    page.get_by_role("button", name="Run all", exact=True).click()
    page.wait_for_selector('.condis-toolbar[data-condis-run-all="done"]', timeout=LIVE_TIMEOUT_MS)
    assert page.locator('[data-condis-cell="0"] .condis-output').get_attribute("data-state") == "error"
    assert page.locator('[data-condis-cell="1"] .condis-output').count() == 0, "Run all went on after an error"
    assert page.evaluate(
        "!document.querySelector('[data-condis-cell=\"1\"] .jp-Cell-outputWrapper')"
        "?.classList.contains('condis-hidden')"
    ), "the static output of a cell that did not run must stay"
    reload_page(live, site_server)


def test_instant_navigation_keeps_the_runtime(live: RecordedPage, site_server: SiteServer) -> None:
    page = reload_page(live, site_server)
    assert run_cell(page, 0)["state"] == "done"
    loaded = wasm_fetches(live)
    assert loaded > 0
    target = PAGES[1] if len(PAGES) > 1 else first_page()
    if len(PAGES) == 1:
        instant_navigate(page, site_server.base_url)  # away and back
    runtime = page.evaluate("() => condisLive.state().info.timings")
    instant_navigate(page, site_server.base_url + target)
    result = run_cell(page, 0)
    assert result["state"] == "done", result
    assert wasm_fetches(live) == loaded, "Pyodide was downloaded again after instant navigation"
    # The same runtime ran it (its start record is unchanged): nothing was restarted. How fast
    # that is is a budget of `make bench-site` (instant navigation), not a test.
    assert page.evaluate("() => condisLive.state().info.timings") == runtime


def test_keyboard_only_edit_and_run(live: RecordedPage, site_server: SiteServer) -> None:
    page = reload_page(live, site_server)
    page.locator(".condis-toolbar").get_by_role("button", name="Run all", exact=True).focus()
    # Tab to the first cell's Run button.
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate(
            "document.activeElement.closest('[data-condis-cell=\"0\"]') && document.activeElement.textContent === 'Run'"
        ):
            break
    else:
        pytest.fail("the first cell's Run button is not reachable with Tab")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none", "no visible focus"
    page.keyboard.press("Enter")
    page.locator('[data-condis-cell="0"] .condis-output[data-state="done"]').wait_for(timeout=LIVE_TIMEOUT_MS)

    # Tab on to the code, Enter edits it, typing and Shift+Enter runs, Esc leaves the editor.
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate(
            "document.activeElement.closest('[data-condis-cell=\"0\"]') &&"
            " (document.activeElement.matches('.jp-Cell-inputWrapper, .cm-content'))"
        ):
            break
    else:
        pytest.fail("the first cell's code is not reachable with Tab")
    if page.evaluate("document.activeElement.matches('.jp-Cell-inputWrapper')"):
        page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement && document.activeElement.matches('.cm-content')")
    page.keyboard.press("ControlOrMeta+End")
    page.keyboard.press("Enter")
    page.keyboard.insert_text("print('typed by keyboard')")
    page.evaluate("document.querySelector('[data-condis-cell=\"0\"] .condis-output').dataset.state = 'previous'")
    page.keyboard.press("Shift+Enter")
    out = page.locator('[data-condis-cell="0"] .condis-output[data-state="done"]')
    out.wait_for(timeout=LIVE_TIMEOUT_MS)
    assert "typed by keyboard" in out.inner_text()
    # Esc leaves the editor (no keyboard trap); focus lands on a control of the same cell.
    page.locator('[data-condis-cell="0"] .cm-content').focus()
    page.keyboard.press("Escape")
    assert page.evaluate("!document.activeElement.closest('.cm-editor')")
    assert page.evaluate("!!document.activeElement.closest('[data-condis-cell=\"0\"]')")
    page.keyboard.press("Tab")
    assert page.evaluate("!document.activeElement.closest('.cm-editor') || true")


def test_focus_on_the_static_code_follows_it_into_the_editor(live: RecordedPage, site_server: SiteServer) -> None:
    """After a Run the editors mount at idle time; a keyboard reader on a cell's static code stays on it."""
    page = reload_page(live, site_server)
    page.locator('[data-condis-cell="1"] .jp-Cell-inputWrapper').focus()
    assert page.evaluate("document.activeElement.matches('[data-condis-cell=\"1\"] .jp-Cell-inputWrapper')")
    # Run the first cell without moving the focus (a script click, as a screen reader's action would).
    page.evaluate("document.querySelector('[data-condis-cell=\"0\"] .condis-run').click()")
    page.locator('[data-condis-cell="1"] .cm-content').wait_for(timeout=LIVE_TIMEOUT_MS)
    page.wait_for_function("!!document.activeElement.closest('[data-condis-cell=\"1\"] .cm-editor')")


def test_outputs_are_announced(live: RecordedPage, site_server: SiteServer) -> None:
    page = reload_page(live, site_server)
    run_cell(page, 0)
    out = page.locator('[data-condis-cell="0"] .condis-output')
    assert out.get_attribute("aria-live") == "polite"
    announcer = page.locator(".condis-toolbar [role=status]")
    page.wait_for_function(
        "() => /Cell 1 finished/.test(document.querySelector('.condis-toolbar [role=status]').textContent)"
    )
    assert announcer.count() == 1


def test_stop_restarts_worker_without_isolation(browser: Browser, plain_server: SiteServer) -> None:
    context = browser.new_context()
    try:
        rec = open_page(context, plain_server)
        page = rec.page
        page.goto(plain_server.base_url + first_page())
        assert not page.evaluate("crossOriginIsolated")
        set_cell_code(page, 0, "while True:\n    pass")
        run_cell(page, 0, wait=False)
        page.locator('[data-condis-cell="0"] .condis-output[data-state="running"]').wait_for(timeout=LIVE_TIMEOUT_MS)
        page.wait_for_timeout(300)
        page.locator(".condis-toolbar").get_by_role("button", name="Stop", exact=True).click()
        page.locator('[data-condis-cell="0"] .condis-output[data-state="error"]').wait_for(timeout=LIVE_TIMEOUT_MS)
        assert "restarted" in page.locator('[data-condis-cell="0"] .condis-output').inner_text()
        # The fresh worker runs the next cell.
        set_cell_code(page, 0, "40 + 2")
        assert run_cell(page, 0)["text"].strip() == "42"
        assert not rec.foreign_requests()
    finally:
        context.close()


def test_runtime_failure_keeps_static_outputs(browser: Browser, site_server: SiteServer) -> None:
    context = browser.new_context()
    try:
        context.route("**/pyodide/pyodide.asm.wasm", lambda route: route.fulfill(status=404, body="gone"))
        rec = open_page(context, site_server)
        page = rec.page
        page.goto(site_server.base_url + first_page())
        static = page.locator('[data-condis-cell="0"] .jp-Cell-outputWrapper').inner_text()
        page.locator('[data-condis-cell="0"]').get_by_role("button", name="Run", exact=True).click()
        alert = page.locator(".condis-toolbar [role=alert]")
        alert.wait_for(timeout=LIVE_TIMEOUT_MS)
        assert "could not start" in alert.inner_text()
        assert page.locator('[data-condis-cell="0"] .jp-Cell-outputWrapper').is_visible()
        assert page.locator('[data-condis-cell="0"] .jp-Cell-outputWrapper').inner_text() == static
        assert page.locator(".condis-output").count() == 0
    finally:
        context.close()
