"""Browser tier fixtures: the built site served on 127.0.0.1, Debian's Chromium driven by Playwright.

No browser is downloaded: Playwright drives ``/usr/bin/chromium`` (override with ``CONDIS_CHROMIUM``).
A missing browser or a missing site is a hard failure, never a skip: this tier must run in CI.

Every page opened through :func:`open_page` records each request it makes; the ``page`` fixture asserts
at teardown that none left the site's origin.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, Route, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

ROOT = Path(__file__).resolve().parents[2]
# CONDIS_SITE points the tier at another build of the site (default: site/, what `make site` builds).
SITE = Path(os.environ.get("CONDIS_SITE", ROOT / "site")).resolve()
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(Path(__file__).resolve().parent))  # lets test modules import helpers from here
from serve import start_server  # noqa: E402

CHROMIUM = os.environ.get("CONDIS_CHROMIUM", "/usr/bin/chromium")
# Without the background-networking flags Chromium phones home at start; this machine refuses that.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
]
# Generous: Pyodide cold start is ~2-3 s, but CI runs other tiers on the same two cores.
LIVE_TIMEOUT_MS = 90_000


def notebook_pages() -> list[str]:
    """Every notebook page in the built site, as a site-relative URL path ("notebooks/01-x/")."""
    pages = sorted(p.parent for p in (SITE / "notebooks").glob("*/index.html"))
    return [f"notebooks/{p.name}/" for p in pages]


@dataclass
class SiteServer:
    base_url: str
    isolated: bool

    @property
    def origin(self) -> str:
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"


@dataclass
class RecordedPage:
    page: Page
    origin: str
    requests: list[str] = field(default_factory=list)
    # The service worker's own downloads (the offline copy, in the background): not the page's.
    service_worker_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def foreign_requests(self) -> list[str]:
        allowed = (self.origin + "/", "data:", "blob:", "about:")
        urls = self.requests + self.service_worker_requests
        return [u for u in urls if not u.startswith(allowed) and u != self.origin]


def _require_site() -> None:
    if not (SITE / "index.html").exists():
        pytest.fail("site/ is not built: run `make site` (make test-browser does it for you)", pytrace=False)
    if not (SITE / "pyodide" / "pyodide-lock.json").exists():
        pytest.fail("site/pyodide is not staged: run `make site`", pytrace=False)


@pytest.fixture(scope="session")
def site_server() -> Iterator[SiteServer]:
    _require_site()
    server, url = start_server(SITE, isolate=True)
    yield SiteServer(url, True)
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def plain_server() -> Iterator[SiteServer]:
    """The same site without COOP/COEP, as a static host that cannot set headers would serve it."""
    _require_site()
    server, url = start_server(SITE, isolate=False)
    yield SiteServer(url, False)
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: on Debian `apt-get install chromium` (make test does it as root)",
            pytrace=False,
        )
    b = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    yield b
    b.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    yield ctx
    ctx.close()


def open_page(context: BrowserContext, server: SiteServer) -> RecordedPage:
    """A new page in ``context`` that records every request URL and console error."""
    page = context.new_page()
    page.set_default_timeout(LIVE_TIMEOUT_MS)
    rec = RecordedPage(page, server.origin)
    page.on("request", lambda r: rec.requests.append(r.url))
    page.on("console", lambda m: rec.console_errors.append(m.text) if m.type == "error" else None)
    # Workers' requests reach the context, not the page; so do the service worker's.
    context.on(
        "request",
        lambda r: (rec.service_worker_requests if r.service_worker else rec.requests).append(r.url),
    )
    return rec


@pytest.fixture
def page(context: BrowserContext, site_server: SiteServer) -> Iterator[RecordedPage]:
    rec = open_page(context, site_server)
    yield rec
    foreign = rec.foreign_requests()
    assert not foreign, "requests left the site's origin:\n" + json.dumps(sorted(set(foreign)), indent=1)


# ---------------------------------------------------------------- live-cell helpers (tests/browser/test_live_*.py)
# Material's instant navigation only follows links listed in sitemap.xml, and it compares them with
# the port the site was built for (mkdocs site_url); the test servers use free ports.


def built_site_url() -> str | None:
    import re

    sitemap = SITE / "sitemap.xml"
    if not sitemap.exists():
        return None
    match = re.search(r"<loc>(https?://[^/<]+/)", sitemap.read_text(encoding="utf-8"))
    return match.group(1) if match else None


def follow_sitemap(context: BrowserContext, server: SiteServer) -> None:
    """Serve sitemap.xml rewritten to the test server's origin, so instant navigation works."""
    site_url = built_site_url()
    if not site_url or site_url == server.base_url:
        return

    def handle(route: Route) -> None:
        response = route.fetch()
        route.fulfill(response=response, body=response.text().replace(site_url, server.base_url))

    context.route("**/sitemap.xml", handle)


def instant_navigate(page: Page, url: str) -> None:
    """Follow a link the way a reader does (Material intercepts the click); fail if the page reloads."""
    page.evaluate("window.__condisSameDocument = true")
    page.evaluate(
        "(u) => { const a = document.createElement('a'); a.href = u;"
        " document.querySelector('.md-content').append(a); a.click(); a.remove(); }",
        url,
    )
    page.wait_for_function("(u) => location.href === u", arg=url)
    page.wait_for_selector("[data-condis-cell]")
    assert page.evaluate("window.__condisSameDocument === true"), "the page reloaded instead of navigating instantly"


def set_cell_code(page: Page, index: int, code: str) -> None:
    """Edit a cell as a reader does: click its code, select everything, type the replacement."""
    cell = page.locator(f'[data-condis-cell="{index}"]')
    content = cell.locator(".condis-editor .cm-content")
    if not content.count():
        # The editor also mounts by itself once the page has a first result, and then hides the
        # static code: if that happens between the check and the click, the click cannot land.
        with contextlib.suppress(PlaywrightTimeoutError):
            cell.locator(".highlight-ipynb").click(timeout=5_000)
    content.wait_for()
    content.click()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(code)
    assert cell_code(page, index) == code


def cell_code(page: Page, index: int) -> str:
    return page.evaluate(
        "(i) => [...document.querySelectorAll(`[data-condis-cell='${i}'] .cm-line`)]"
        ".map(l => l.textContent).join('\\n')",
        index,
    )


def run_cell(page: Page, index: int, *, wait: bool = True) -> dict[str, str]:
    """Press the cell's Run button; wait for a final state; return {state, text}."""
    cell = page.locator(f'[data-condis-cell="{index}"]')
    # Forget the previous run's final state, so we wait for this run's.
    page.evaluate(
        "(i) => { const o = document.querySelector(`[data-condis-cell='${i}'] .condis-output`);"
        " if (o) o.dataset.state = 'previous'; }",
        index,
    )
    cell.get_by_role("button", name="Run", exact=True).click()
    if not wait:
        return {}
    out = cell.locator('.condis-output[data-state="done"], .condis-output[data-state="error"]')
    out.wait_for(timeout=LIVE_TIMEOUT_MS)
    return {"state": out.get_attribute("data-state") or "", "text": out.inner_text()}
