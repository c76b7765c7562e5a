"""Browser tier fixtures: the built site served on 127.0.0.1, Debian's Chromium driven by Playwright.

No browser is downloaded: Playwright drives ``/usr/bin/chromium`` (override with ``CONDIS_CHROMIUM``).
A missing browser or a missing site is a hard failure, never a skip: this tier must run in CI.

Every page opened through :func:`open_page` records each request it makes; the ``page`` fixture asserts
at teardown that none left the site's origin.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "site"
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
    console_errors: list[str] = field(default_factory=list)

    def foreign_requests(self) -> list[str]:
        allowed = (self.origin + "/", "data:", "blob:", "about:")
        return [u for u in self.requests if not u.startswith(allowed) and u != self.origin]


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


@pytest.fixture(scope="session")
def plain_server() -> Iterator[SiteServer]:
    """The same site without COOP/COEP, as a static host that cannot set headers would serve it."""
    _require_site()
    server, url = start_server(SITE, isolate=False)
    yield SiteServer(url, False)
    server.shutdown()


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
    # Workers' requests reach the context, not the page.
    context.on("request", lambda r: rec.requests.append(r.url))
    return rec


@pytest.fixture
def page(context: BrowserContext, site_server: SiteServer) -> Iterator[RecordedPage]:
    rec = open_page(context, site_server)
    yield rec
    foreign = rec.foreign_requests()
    assert not foreign, "requests left the site's origin:\n" + json.dumps(sorted(set(foreign)), indent=1)
