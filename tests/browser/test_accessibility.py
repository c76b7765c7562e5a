"""Accessibility, checked: axe-core on every page type, in both colour schemes, plus the runner by keyboard.

axe-core comes from npm (package.json, a test-only dependency that the site never ships); its source is
injected into each page from ``node_modules`` (no network). A check fails on any *serious* or *critical*
violation and prints every violation found (rule, impact, count, targets), so a failure says what to fix.
Each page is checked in the default (light) scheme, then again after the reader's palette toggle switched
it to dark (slate). The notebook page is checked before and after "Run all", so live outputs (Mermaid
sequence diagrams, collect-mode findings) are checked too; the playground after running the example that
breaks a rule (its finding names the bug check), and again with an output long enough to scroll.

Every check's counts are also written to ``test-results/axe-summary.json`` (one entry per page and scheme).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import LIVE_TIMEOUT_MS, ROOT, RecordedPage, SiteServer, open_page, set_cell_code
from playwright.sync_api import Browser, Locator, Page

AXE_SOURCE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")
IMPACTS = ("critical", "serious", "moderate", "minor")  # axe's order, worst first
RESULTS = ROOT / "test-results"
NOTEBOOK = "notebooks/01-first-miniport/"
SCHEMES = {"light": "default", "dark": "slate"}  # Material's names

# Each violation as plain data: rule, impact, help text, and every node (target selector, impact).
AXE_RUN_JS = """
async () => {
  const result = await window.axe.run(document, { resultTypes: ["violations"] });
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => ({ target: n.target.join(" "), impact: n.impact, summary: n.failureSummary })),
  }));
}
"""


@pytest.fixture(scope="module", autouse=True)
def fresh_summary() -> None:
    """Each run of this module writes its own test-results/axe-summary.json."""
    (RESULTS / "axe-summary.json").unlink(missing_ok=True)


def axe_source() -> str:
    if not AXE_SOURCE.exists():
        pytest.fail("node_modules/axe-core is missing: run `make deps` (npm ci installs it)", pytrace=False)
    return AXE_SOURCE.read_text(encoding="utf-8")


def report(label: str, violations: list[dict[str, Any]]) -> str:
    """Every violation, one block per rule: impact, node count, help, then each target."""
    if not violations:
        return f"{label}: no violations"
    total = sum(len(v["nodes"]) for v in violations)
    lines = [f"{label}: {len(violations)} rules violated on {total} nodes"]
    for v in sorted(violations, key=lambda v: IMPACTS.index(v["impact"] or "minor")):
        lines.append(f"  [{v['impact']}] {v['id']} x{len(v['nodes'])}: {v['help']}")
        for node in v["nodes"]:
            summary = " ".join((node["summary"] or "").split())
            lines.append(f"      {node['target']}  ({summary[:200]})")
    return "\n".join(lines)


def record(label: str, violations: list[dict[str, Any]]) -> None:
    """Keep the counts of this check in test-results/axe-summary.json (read by people, not by tests)."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / "axe-summary.json"
    summary = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    summary[label] = {
        "rules": {v["id"]: {"impact": v["impact"], "nodes": len(v["nodes"])} for v in violations},
        "blocking_nodes": sum(len(v["nodes"]) for v in violations if v["impact"] in BLOCKING),
    }
    path.write_text(json.dumps(summary, indent=1, sort_keys=True), encoding="utf-8")


def check_page(page: Page, label: str) -> list[str]:
    """Run axe on the page as it is now; print everything; return the blocking violations' report lines."""
    settle(page)
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(content=axe_source())
    violations: list[dict[str, Any]] = page.evaluate(AXE_RUN_JS)
    text = report(label, violations)
    print(text)
    record(label, violations)
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    return [report(label, blocking)] if blocking else []


def scheme(page: Page) -> str:
    return "dark" if page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate" else "light"


def switch_scheme(page: Page, to: str) -> None:
    """Use the palette toggle in the header, as a reader does; wait until the scheme applies."""
    page.locator(f"label[title='Switch to {to} mode']:visible").click()
    page.wait_for_function(f"() => document.body.getAttribute('data-md-color-scheme') === '{SCHEMES[to]}'")
    # The pointer rests on the new toggle, whose tooltip fades in: move away, then let fades finish.
    page.mouse.move(640, 880)
    page.evaluate("document.activeElement?.blur()")
    assert scheme(page) == to  # check_page() lets the fades finish before it looks


def settle(page: Page) -> None:
    """Let colour fades and the runner's deferred work (web/a11y.js waits 150 ms) finish."""
    page.wait_for_timeout(600)


def check_both_schemes(page: Page, label: str) -> list[str]:
    """The page as it is, in the scheme it shows, then in the other one (light first, then dark)."""
    first = scheme(page)
    failures = check_page(page, f"{label} ({first})")
    second = "dark" if first == "light" else "light"
    switch_scheme(page, second)
    failures += check_page(page, f"{label} ({second})")
    return failures


def wait_for_diagrams(page: Page, scope: str) -> None:
    """Mermaid draws asynchronously: wait until every diagram in `scope` has its SVG."""
    page.wait_for_function(
        "(s) => [...document.querySelectorAll(`${s} .condis-mermaid`)].every((d) => d.querySelector('svg'))",
        arg=scope,
    )


STATIC_PAGES = {
    "home": "",
    "course": "learn/",
    "rule": "rules/virtual-connections/",
    "api": "reference/api/machine/",
    "accessibility statement": "accessibility/",
}


@pytest.mark.parametrize("kind", list(STATIC_PAGES))
def test_static_page_has_no_serious_violations(page: RecordedPage, site_server: SiteServer, kind: str) -> None:
    p = page.page
    p.goto(site_server.base_url + STATIC_PAGES[kind], wait_until="networkidle")
    assert scheme(p) == "light", "the site does not open in its default (light) scheme"
    failures = check_both_schemes(p, kind)
    assert not failures, "\n".join(failures)


def test_notebook_page_before_and_after_run_all(page: RecordedPage, site_server: SiteServer) -> None:
    p = page.page
    p.goto(site_server.base_url + NOTEBOOK, wait_until="networkidle")
    p.wait_for_selector("[data-condis-cell]")
    failures = check_both_schemes(p, "notebook before Run all")  # ends in the dark scheme

    p.get_by_role("button", name="Run all", exact=True).click()
    p.wait_for_selector('.condis-toolbar[data-condis-run-all="done"]', timeout=LIVE_TIMEOUT_MS)
    live = p.locator(".condis-output")
    assert live.count() > 0 and p.locator('.condis-output[data-state="done"]').count() == live.count()
    # The live outputs this check must cover: a sequence diagram and collect-mode findings.
    assert p.locator(".condis-output .condis-mermaid").count() > 0, "no live Mermaid diagram to check"
    assert any("Finding(" in t or "finding" in t.lower() for t in live.all_inner_texts()), "no live findings to check"
    wait_for_diagrams(p, ".condis-output")
    failures += check_both_schemes(p, "notebook after Run all")
    assert not failures, "\n".join(failures)


def test_playground_after_running_an_example(page: RecordedPage, site_server: SiteServer) -> None:
    p = page.page
    p.goto(site_server.base_url + "playground/", wait_until="networkidle")
    p.wait_for_selector("#condis-playground[data-condis-ready]")
    failures = check_page(p, "playground before Run (light)")
    p.select_option("#condis-pg-example", "break-rule")  # findings and a sequence diagram
    p.get_by_role("button", name="Run", exact=True).click()
    out = p.locator('#condis-playground .condis-output[data-state="done"]')
    out.wait_for(timeout=LIVE_TIMEOUT_MS)
    assert p.locator("#condis-playground .condis-output .condis-mermaid").count() > 0
    wait_for_diagrams(p, "#condis-playground .condis-output")
    failures += check_both_schemes(p, "playground after Run")

    # A long output scrolls inside its pane: it joins the Tab order (web/a11y.js), and axe agrees.
    # Trace lines do not wrap, so this output may already scroll sideways: a Tab stop exactly when it scrolls.
    # (web/a11y.js updates the Tab order when the page is idle, so wait for it to agree.)
    p.wait_for_function(
        """() => { const e = document.querySelector('#condis-playground .condis-output');
                   const scrolls = e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1;
                   return (e.getAttribute('tabindex') === '0') === scrolls; }""",
        timeout=10_000,
    )
    p.locator("#condis-playground .cm-content").click()
    p.keyboard.press("ControlOrMeta+a")
    p.keyboard.press("Delete")
    p.keyboard.insert_text("for i in range(300):\n    print('line', i)")
    p.evaluate("document.querySelector('#condis-playground .condis-output').dataset.state = 'previous'")
    p.get_by_role("button", name="Run", exact=True).click()
    out.wait_for(timeout=LIVE_TIMEOUT_MS)
    p.wait_for_function("document.querySelector('#condis-playground .condis-output').tabIndex === 0")
    failures += check_page(p, f"playground with a scrolling output ({scheme(p)})")
    assert not failures, "\n".join(failures)


def test_narrow_window_reflows_and_scrolling_outputs_take_focus(browser: Browser, site_server: SiteServer) -> None:
    """At 320 CSS pixels (a laptop at 400% zoom) no page scrolls sideways; on a notebook page the outputs
    that must scroll there join the Tab order with a name, and axe finds nothing serious."""
    context = browser.new_context(viewport={"width": 320, "height": 800})
    try:
        rec = open_page(context, site_server)
        p = rec.page
        for path in [*STATIC_PAGES.values(), "playground/", NOTEBOOK]:
            p.goto(site_server.base_url + path, wait_until="networkidle")
            overflow = p.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"/{path} scrolls sideways by {overflow}px at 320px"
        settle(p)
        focusable = p.locator("[data-condis-scroll-focus]")
        assert focusable.count() > 0, "no output scrolls at 320px: this check no longer exercises anything"
        assert all(n.get_attribute("tabindex") == "0" for n in focusable.all())
        failures = check_page(p, "notebook at 320px (light)")
        assert not rec.foreign_requests()
        assert not failures, "\n".join(failures)
    finally:
        context.close()


# ---------------------------------------------------------------- the runner by keyboard


def tab_to(page: Page, target: Locator, limit: int = 200) -> int:
    """Press Tab until `target` has focus; return how many presses it took (fail if it never does)."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if target.evaluate("(el) => el === document.activeElement"):
            return presses
    raise AssertionError(f"{target} was not reached with {limit} Tab presses")


def assert_focus_visible(target: Locator, name: str) -> None:
    """The focused control draws an outline of at least 2 px (the focus indicator)."""
    style = target.evaluate(
        "(el) => { const s = getComputedStyle(el);"
        " return { style: s.outlineStyle, width: parseFloat(s.outlineWidth), visible: el.matches(':focus-visible') }; }"
    )
    assert style["visible"], f"{name}: focus is not :focus-visible after Tab"
    assert style["style"] != "none" and style["width"] >= 2, f"{name}: no visible focus indicator ({style})"


def test_runner_works_by_keyboard_and_announces_results(page: RecordedPage, site_server: SiteServer) -> None:
    """Run all, a cell's Run and Stop are reached with Tab, show their focus, and work with Enter/Space;
    the status line and the announcer are polite live regions."""
    p = page.page
    p.goto(site_server.base_url + NOTEBOOK, wait_until="networkidle")
    p.wait_for_selector("[data-condis-cell]")
    toolbar = p.locator(".condis-toolbar")
    run_all = toolbar.get_by_role("button", name="Run all", exact=True)
    stop = toolbar.get_by_role("button", name="Stop", exact=True)

    # Results are spoken through the toolbar's status region (polite: it never interrupts). The visible
    # status text beside it is not live on purpose: it counts download bytes and would flood a reader.
    announcer = toolbar.locator(".condis-announcer")
    assert announcer.get_attribute("role") == "status" and announcer.get_attribute("aria-live") == "polite"

    tab_to(p, run_all)
    assert_focus_visible(run_all, "Run all")
    p.keyboard.press("Enter")
    p.locator('.condis-toolbar[data-condis-run-all="done"]').wait_for(timeout=LIVE_TIMEOUT_MS)
    p.wait_for_function("() => document.querySelector('.condis-announcer').textContent === 'All cells finished.'")

    # A cell's Run button, from the toolbar onwards; Space works as well as Enter.
    first = p.locator('[data-condis-cell="0"]')
    run = first.get_by_role("button", name="Run", exact=True)
    tab_to(p, run)
    assert_focus_visible(run, "Run")
    p.evaluate("document.querySelector('[data-condis-cell=\"0\"] .condis-output').dataset.state = 'previous'")
    p.keyboard.press("Space")
    first.locator('.condis-output[data-state="done"]').wait_for(timeout=LIVE_TIMEOUT_MS)
    p.wait_for_function("() => document.querySelector('.condis-announcer').textContent.startsWith('Cell 1 finished.')")

    # Stop: start a cell that never ends (typed into the editor), then reach Stop with the keyboard.
    cell = p.locator('[data-condis-cell="1"]')
    set_cell_code(p, 1, "while True:\n    pass")
    p.keyboard.press("Escape")  # leaves the editor: focus is on the cell's Run button
    cell_run = cell.get_by_role("button", name="Run", exact=True)
    assert cell_run.evaluate("(el) => el === document.activeElement"), "Escape did not move focus to Run"
    p.evaluate("document.querySelector('[data-condis-cell=\"1\"] .condis-output').dataset.state = 'previous'")
    p.keyboard.press("Enter")
    cell.locator('.condis-output[data-state="running"]').wait_for(timeout=LIVE_TIMEOUT_MS)
    p.wait_for_function("() => document.querySelector('.condis-toolbar .condis-btn[aria-disabled=\"false\"]') !== null")
    # Back up the page to the toolbar's Stop. In an editor Tab and Shift+Tab indent, so a reader leaves
    # it with Esc (focus moves to that cell's Run button, before the editor) and goes on.
    for _ in range(200):
        if stop.evaluate("(el) => el === document.activeElement"):
            break
        p.keyboard.press("Shift+Tab")
        if p.evaluate("!!document.activeElement.closest('.cm-editor')"):
            p.keyboard.press("Escape")
    assert stop.evaluate("(el) => el === document.activeElement"), "Stop was not reached with Shift+Tab"
    assert_focus_visible(stop, "Stop")
    p.keyboard.press("Enter")
    cell.locator('.condis-output[data-state="error"]').wait_for(timeout=LIVE_TIMEOUT_MS)
    p.wait_for_function(
        "() => /^(Cell 2 stopped|Stopped)/.test(document.querySelector('.condis-announcer').textContent)"
    )
