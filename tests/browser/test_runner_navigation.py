"""The runner never gets stuck, pages open where the reader expects, diagrams and traces stay readable.

In Chromium against the built site: Stop with cells waiting in the queue, leaving a page whose cell
loops forever (the next page's Run still works), Next and Previous opening pages at their top, table of
contents anchors landing below the sticky toolbar, the site's 404 page, zoomable diagrams (notebook
and playground) and playground traces that scroll sideways instead of wrapping.
"""

from __future__ import annotations

import base64
import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
from conftest import (
    LIVE_TIMEOUT_MS,
    RecordedPage,
    SiteServer,
    follow_sitemap,
    notebook_pages,
    open_page,
    run_cell,
    set_cell_code,
)
from playwright.sync_api import Browser, Locator, Page

PAGES = notebook_pages()
LOOP = "spinning = True\nwhile spinning:\n    pass"
RICH_ERROR = (
    "class Rich(Exception):\n"
    "    def _repr_html_(self):\n"
    "        return '<p>rule <b>broken</b></p>'\n"
    "raise Rich('the rule was broken')"
)


@pytest.fixture
def reader(browser: Browser, site_server: SiteServer) -> Iterator[RecordedPage]:
    """A reader's tab: instant navigation on, nothing run yet."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    follow_sitemap(context, site_server)
    rec = open_page(context, site_server)
    yield rec
    foreign = rec.foreign_requests()
    context.unroute_all(behavior="ignoreErrors")  # a sitemap fetch still in flight must not fail the teardown
    context.close()
    assert not foreign, "requests left the site's origin:\n" + json.dumps(sorted(set(foreign)), indent=1)


def cell_status(page: Page, index: int) -> str:
    return page.locator(f'[data-condis-cell="{index}"] .condis-cell-status').inner_text()


def announced(page: Page, text: str) -> None:
    page.wait_for_function(
        "(t) => [...document.querySelectorAll('.condis-announcer')].some((n) => n.textContent.includes(t))", arg=text
    )


def click_footer(page: Page, which: str) -> str:
    """Scroll to the bottom, follow the footer's Next or Previous link; return the new URL."""
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    page.wait_for_function("scrollY > 500")
    link = page.locator(f"a.md-footer__link--{which}")
    href = link.evaluate("(a) => a.href")
    page.evaluate("window.__condisSameDocument = true")
    link.click()
    page.wait_for_function("(u) => location.href === u", arg=href)
    page.wait_for_selector("[data-condis-cell]")
    assert page.evaluate("window.__condisSameDocument === true"), "the footer link reloaded the page"
    return str(href)


def settled_scroll(page: Page) -> float:
    time.sleep(0.5)  # let late layout (diagrams, the toolbar) happen before reading the position
    return float(page.evaluate("scrollY"))


def test_stop_reports_queued_cells_and_leaving_a_loop_keeps_run_working(
    reader: RecordedPage, site_server: SiteServer
) -> None:
    assert len(PAGES) >= 3, "the built site needs at least three notebook pages"
    page = reader.page
    page.goto(site_server.base_url + PAGES[1])
    assert run_cell(page, 0)["state"] == "done"

    # Stop with two cells waiting behind a loop: both say they were cancelled, and the reader hears which.
    set_cell_code(page, 0, LOOP)
    run_cell(page, 0, wait=False)
    page.locator('[data-condis-cell="0"] .condis-output[data-state="running"]').wait_for()
    for index in (1, 2):
        run_cell(page, index, wait=False)
        assert cell_status(page, index) == "queued"
    page.locator(".condis-toolbar").get_by_role("button", name="Stop", exact=True).click()
    page.locator('[data-condis-cell="0"] .condis-output[data-state="error"]').wait_for()
    for index in (1, 2):
        assert cell_status(page, index) == "cancelled (not run)"
        assert page.locator(f'[data-condis-cell="{index}"] .condis-output').count() == 0, "a cancelled cell ran"
    announced(page, "Cells 2 and 3 were cancelled before they ran.")

    # Leave the page while its loop runs (and a cell waits): the next page opens at its top and its Run works.
    wasm_before = sum(u.endswith("/pyodide.asm.wasm") for u in reader.requests)
    run_cell(page, 0, wait=False)
    page.locator('[data-condis-cell="0"] .condis-output[data-state="running"]').wait_for()
    run_cell(page, 1, wait=False)
    assert click_footer(page, "next") == site_server.base_url + PAGES[2]
    assert settled_scroll(page) < 5, "Next did not open the page at its top"
    started = time.monotonic()
    result = run_cell(page, 0)
    waited = time.monotonic() - started
    assert result["state"] == "done", result
    assert not page.evaluate("window.condisLive.state().busy")
    # Interrupted, not restarted: the page is cross-origin isolated, so the worker (and its downloads) stayed.
    assert sum(u.endswith("/pyodide.asm.wasm") for u in reader.requests) == wasm_before
    print(f"first Run after leaving a running loop finished in {waited:.2f} s")

    # Previous opens at the top too, and the page we left can run again (its namespace survived the stop).
    assert click_footer(page, "prev") == site_server.base_url + PAGES[1]
    assert settled_scroll(page) < 5, "Previous did not open the page at its top"
    # The loop we typed there was saved as the reader's edit and came back with the page: replace it.
    assert "while" in page.locator('[data-condis-cell="0"] .cm-content').inner_text()
    set_cell_code(page, 0, "print('back again')")
    assert run_cell(page, 0)["state"] == "done"

    # An exception with its own HTML (as condis bug checks have) shows that HTML, then its plain traceback.
    set_cell_code(page, 0, RICH_ERROR)
    assert run_cell(page, 0)["state"] == "error"
    out = page.locator('[data-condis-cell="0"] .condis-output')
    assert out.locator(".condis-error-html b").inner_text() == "broken"
    assert out.locator(".condis-traceback").inner_text().endswith("Rich: the rule was broken")


def test_toc_anchor_lands_below_the_sticky_toolbar(reader: RecordedPage, site_server: SiteServer) -> None:
    page = reader.page
    page.goto(site_server.base_url + PAGES[0])
    page.wait_for_selector(".condis-toolbar")
    links = page.locator(".md-sidebar--secondary a.md-nav__link[href*='#']")
    assert links.count() >= 3, "the page's table of contents is missing"
    checked = 0
    for index in (links.count() - 1, links.count() // 2):  # deep in the page: the toolbar is stuck by then
        link = links.nth(index)
        target = str(link.get_attribute("href")).split("#", 1)[1]
        link.click()
        page.wait_for_function("(id) => location.hash === '#' + id", arg=target)
        time.sleep(0.5)
        heading = page.locator(f"[id='{target}']")
        box = heading.bounding_box()
        header = page.locator(".md-header").bounding_box()
        toolbar = page.locator(".condis-toolbar").bounding_box()
        assert box and header and toolbar
        if page.evaluate("scrollY") + 900 >= page.evaluate("document.documentElement.scrollHeight") - 2:
            continue  # the page cannot scroll further: the heading is wherever the end of the page puts it
        assert box["y"] >= header["y"] + header["height"] - 1, f"#{target} is under the header"
        assert box["y"] >= toolbar["y"] + toolbar["height"] - 1, f"#{target} is under the toolbar: {box} {toolbar}"
        assert box["y"] < 900 / 2, f"#{target} landed far down the window: {box}"
        checked += 1
    assert checked, "no anchor could be checked"


def test_back_to_top_shows_below_the_sticky_toolbar(reader: RecordedPage, site_server: SiteServer) -> None:
    """Material's "Back to top" button appears when the reader scrolls up; on a notebook page it
    must not sit under the live-cell toolbar, where it could be neither seen nor clicked."""
    page = reader.page
    page.goto(site_server.base_url + PAGES[0])
    page.wait_for_selector(".condis-toolbar")
    page.mouse.wheel(0, 2500)
    page.wait_for_timeout(400)
    page.mouse.wheel(0, -300)  # scrolling up shows it
    button = page.locator(".md-top")
    page.wait_for_function("() => !document.querySelector('.md-top').hidden")
    page.wait_for_timeout(400)  # its slide-in transition
    box, toolbar = button.bounding_box(), page.locator(".condis-toolbar").bounding_box()
    assert box and toolbar
    assert box["y"] >= toolbar["y"] + toolbar["height"], f"Back to top is under the toolbar: {box} {toolbar}"
    at = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    assert page.evaluate("([x, y]) => !!document.elementFromPoint(x, y).closest('.md-top')", list(at)), (
        "Back to top is covered"
    )
    button.click()
    page.wait_for_function("() => scrollY < 5")


def test_missing_paths_get_the_site_404_page(reader: RecordedPage, site_server: SiteServer) -> None:
    page = reader.page
    response = page.goto(site_server.base_url + "no/such/page/")
    assert response is not None and response.status == 404
    assert "404" in page.locator("article, .md-content").first.inner_text()
    assert page.locator(".md-header").count() == 1, "the site's own 404 page (with its header) is served"
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(site_server.base_url + "js/no-such-file.js")
    missing.value.close()
    assert missing.value.code == 404


def zoom_of(diagram: Locator) -> str:
    return str(diagram.get_attribute("data-zoom"))


def svg_width(diagram: Locator) -> float:
    return float(diagram.locator(".condis-mermaid-svg svg").evaluate("(s) => s.getBoundingClientRect().width"))


def check_zoom_and_full_screen(page: Page, diagram: Locator) -> None:
    """Buttons and keys zoom ``diagram``; full screen covers the window; Escape leaves it."""
    diagram.locator(".condis-mermaid-svg svg").wait_for()
    for name in ("Zoom in", "Zoom out", "Fit", "Full screen"):
        assert diagram.get_by_role("button", name=name, exact=True).count() == 1, name
    view = diagram.get_by_role("group")
    assert "Diagram" in str(view.get_attribute("aria-label"))

    width = svg_width(diagram)
    diagram.get_by_role("button", name="Zoom in", exact=True).click()
    assert svg_width(diagram) > width * 1.2
    view.focus()
    page.keyboard.press("-")
    page.keyboard.press("-")
    assert svg_width(diagram) < width
    page.keyboard.press("0")
    assert zoom_of(diagram) == "fit"

    diagram.get_by_role("button", name="Full screen", exact=True).click()
    box = diagram.bounding_box()
    assert box and box["width"] >= 1270 and box["height"] >= 890, f"full screen should cover the window: {box}"
    assert diagram.get_by_role("button", name="Close full screen", exact=True).count() == 1
    page.keyboard.press("+")
    assert zoom_of(diagram) != "fit"
    page.keyboard.press("Escape")
    assert diagram.get_by_role("button", name="Full screen", exact=True).count() == 1
    assert not diagram.evaluate("(d) => d.classList.contains('condis-diagram--full')"), "Escape left it full screen"


PLAYGROUND_CODE = (
    "from condis_edu.testing import loopback_machine\n"
    "m, nic = loopback_machine()\n"
    "print(m.trace.to_text())\n"
    "m.trace.sequence()\n"
)


def test_diagrams_zoom_and_playground_traces_do_not_wrap(reader: RecordedPage, site_server: SiteServer) -> None:
    page = reader.page
    # A diagram the build put in a notebook's output.
    page.goto(site_server.base_url + PAGES[0])
    static = page.locator(".jp-OutputArea .condis-mermaid").first
    static.scroll_into_view_if_needed()
    check_zoom_and_full_screen(page, static)

    # The playground: a whole start-up's trace, then its sequence diagram, in the half-width output pane.
    code = base64.urlsafe_b64encode(PLAYGROUND_CODE.encode()).decode().rstrip("=")
    page.goto(site_server.base_url + f"playground/#code={code}")
    page.wait_for_selector("#condis-playground[data-condis-ready]")
    page.locator("#condis-playground").get_by_role("button", name="Run", exact=True).click()
    out = page.locator('.condis-playground-output .condis-output[data-state="done"]')
    out.wait_for(timeout=LIVE_TIMEOUT_MS)

    trace = out.locator("pre").first
    lines = trace.inner_text().rstrip("\n").split("\n")
    assert len(lines) > 20 and max(map(len, lines)) > 100, "the trace should have long lines"
    height, line_height = trace.evaluate(
        "(p) => [p.getBoundingClientRect().height, parseFloat(getComputedStyle(p).lineHeight)]"
    )
    assert height <= (len(lines) + 0.5) * line_height, f"trace lines wrap: {height} px for {len(lines)} lines"
    pane = page.locator(".condis-playground-output .condis-output")
    assert pane.evaluate("(o) => o.scrollWidth > o.clientWidth + 50"), "long lines should scroll sideways"
    nested = next(line for line in lines if "NdisSetOptionalHandlers" in line)
    assert "         " in nested, "the nesting (indentation) of the trace is kept"

    diagram = out.locator(".condis-mermaid").first
    diagram.locator(".condis-mermaid-svg svg").wait_for()
    # Fitted into the pane, this diagram's labels would be a few pixels high: it starts readable and scrolls.
    label_px = diagram.locator("svg text").first.evaluate("(t) => t.getBoundingClientRect().height")
    assert label_px >= 9, f"diagram labels are {label_px:.1f} px high"
    check_zoom_and_full_screen(page, diagram)
