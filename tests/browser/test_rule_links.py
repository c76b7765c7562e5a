"""Bug checks and findings link to their rule on this site, wherever they are shown.

- Built pages: every rule link the rule pages and the engine's output make has a target id in
  ``site/`` (rule anchors, notebook sections), and a build-time output's link is relative to its page.
- A live notebook: a bug check shown by a live cell links to its rule; clicking opens the anchor.
- The playground, served under a sub-path: the same, from a finding list.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from conftest import LIVE_TIMEOUT_MS, SITE, SiteServer, follow_sitemap, open_page
from docgen.rule_lessons import TAUGHT_IN
from docgen.rule_pages import heading_anchor
from playwright.sync_api import Browser, Page
from serve import start_server

from condis_edu.verifier import RULES

SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
BUGCHECK_PAGE = "notebooks/03-creating-a-vc/"
R2_09 = "rules/virtual-connections/#r2-09"


class Ids(HTMLParser):
    """Every id and every ``<a>`` of an HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(str(found["id"]))
        if tag == "a":
            self.links.append(found)


def parse(page: str) -> Ids:
    html = SITE / page / "index.html"
    assert html.exists(), f"{page} is not in the built site"
    parser = Ids()
    parser.feed(html.read_text(encoding="utf-8"))
    return parser


def test_every_rule_anchor_and_course_section_exists_in_the_built_site() -> None:
    pages: dict[str, Ids] = {}
    for rule in RULES.values():
        page, anchor = rule.site_path.split("#")
        ids = pages.setdefault(page, parse(page)).ids
        assert anchor in ids, f"{rule.id}: {rule.site_path} has no target"
    for stem, heading in TAUGHT_IN:
        page = f"notebooks/{stem}/"
        ids = pages.setdefault(page, parse(page)).ids
        assert heading_anchor(heading) in ids, f"{page} has no section #{heading_anchor(heading)}"
    # ... and the rule pages' own links to those sections point there.
    family = parse("rules/virtual-connections/")
    course = [a["href"] for a in family.links if (a.get("href") or "").startswith("../../notebooks/")]
    assert "../../notebooks/03-creating-a-vc/#the-bug-check-a-miniportcocreatevc-that-pends" in course


def test_build_time_output_links_relative_to_its_page() -> None:
    links = [a for a in parse(BUGCHECK_PAGE).links if a.get("data-condis-site-href")]
    assert [(a["href"], a["data-condis-site-href"]) for a in links] == [("../../" + R2_09, R2_09)]
    assert urljoin("http://x/" + BUGCHECK_PAGE, str(links[0]["href"])) == "http://x/" + R2_09


def click_rule_link(page: Page, output: str, expected_url: str) -> None:
    """Click the rule link inside ``output``; the rule's section must be where the browser lands."""
    link = page.locator(f"{output} a.condis-rule-link").first
    link.wait_for()
    assert link.get_attribute("data-condis-site-href") == R2_09
    link.scroll_into_view_if_needed()
    assert link.evaluate("(a) => a.href") == expected_url, "the live link was not resolved against the site"
    link.click()
    page.wait_for_function("(u) => location.href === u", arg=expected_url, timeout=LIVE_TIMEOUT_MS)
    page.wait_for_selector("#r2-09")
    page.wait_for_function(
        "() => { const r = document.getElementById('r2-09').getBoundingClientRect();"
        " return r.top >= 0 && r.top < window.innerHeight; }"
    )
    assert page.locator("#r2-09").inner_text().startswith("R2.09")


def test_live_bug_check_in_a_notebook_opens_its_rule(browser: Browser, site_server: SiteServer) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        follow_sitemap(context, site_server)
        rec = open_page(context, site_server)
        page = rec.page
        page.goto(site_server.base_url + BUGCHECK_PAGE)
        page.wait_for_selector("[data-condis-cell]")
        page.get_by_role("button", name="Run all", exact=True).click()
        page.wait_for_selector('.condis-toolbar[data-condis-run-all="done"]', timeout=LIVE_TIMEOUT_MS)
        output = ".condis-output .condis-report-bugcheck"
        box = page.locator(output)
        assert box.count() == 1, "the bug check cell shows no live report"
        text = box.inner_text()
        for part in ("BUGCODE_NDIS_DRIVER (7c)", "R2.09", "lazy_miniport", "MiniportCoCreateVc"):
            assert part in text, part
        external = box.locator("a.condis-external-link").evaluate_all("(l) => l.map((a) => [a.href, a.target])")
        assert [h for h, _ in external] == [
            RULES["R2.09"].url,
            "https://learn.microsoft.com/windows-hardware/drivers/debugger/bug-check-0x7c--bugcode-ndis-driver",
        ]
        assert all(target == "_blank" for _, target in external)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        box.screenshot(path=str(SCREENSHOTS / "bugcheck-live.png"))
        click_rule_link(page, output, site_server.base_url + R2_09)
        page.screenshot(path=str(SCREENSHOTS / "rule-r2-09.png"))
        assert not rec.foreign_requests()
    finally:
        context.close()


@pytest.fixture
def sub_path_server() -> Iterator[SiteServer]:
    """The built site served at /course/ instead of at the root."""
    with tempfile.TemporaryDirectory() as root:
        (Path(root) / "course").symlink_to(SITE, target_is_directory=True)
        server, url = start_server(Path(root), isolate=True)
        try:
            yield SiteServer(url + "course/", True)
        finally:
            server.shutdown()
            server.server_close()


def test_playground_under_a_sub_path_links_findings_to_their_rule(
    browser: Browser, sub_path_server: SiteServer
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        rec = open_page(context, sub_path_server)
        page = rec.page
        page.goto(sub_path_server.base_url + "playground/")
        page.wait_for_selector("#condis-playground[data-condis-ready]")
        page.select_option("#condis-pg-example", "break-rule")
        page.get_by_role("button", name="Run", exact=True).click()
        out = page.locator('#condis-playground .condis-output[data-state="done"]')
        out.wait_for(timeout=LIVE_TIMEOUT_MS)
        report = out.locator(".condis-reports")
        assert re.search(r"1 verifier finding\s", report.inner_text() + " ")
        click_rule_link(page, "#condis-playground .condis-output", sub_path_server.base_url + R2_09)
        assert urlsplit(page.url).path == "/course/rules/virtual-connections/"
        assert not rec.foreign_requests()
    finally:
        context.close()
