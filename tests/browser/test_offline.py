"""The site offline: a service worker keeps pages, runtime and notebooks; a manifest makes it installable.

One visit online (a notebook page, one Run, so the runtime is kept), then the server is stopped and the
browser is put offline: a reload, an instant navigation to another notebook and its "Run all" must
give the build-time outputs. Then a rebuilt site (one page changed, so its precache revision
changed) is served on the same origin: the page offers the new version, the reload activates it, the
old version's cache is gone and the new page is what is served offline. The offline part runs under
both servers, with COOP/COEP (``make serve``) and without (``make serve-plain``): the worker's
responses must keep exactly the headers the server sent.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import LIVE_TIMEOUT_MS, ROOT, SITE, SiteServer, instant_navigate, notebook_pages, open_page
from playwright.sync_api import BrowserContext, Page
from serve import start_server
from site_view import make_view
from test_notebooks import SIGNATURE_JS

SW_ACTIVE = "() => navigator.serviceWorker.getRegistration().then((r) => !!(r && r.active))"
CACHES_JS = """async () => {
  const out = {};
  for (const name of await caches.keys()) out[name] = (await (await caches.open(name)).keys()).map((r) => r.url);
  return out;
}"""
REBUILT_MARK = '<meta name="condis-rebuilt" content="yes">'


class Origin:
    """One origin (host and port) whose server can be stopped and started on another directory."""

    def __init__(self, directory: Path, *, isolate: bool) -> None:
        self.isolate = isolate
        self.server, self.base_url = start_server(directory, isolate=isolate)
        self.port = self.server.server_address[1]
        self.hits = 0
        self._count(self.server)

    def _count(self, server: object) -> None:
        handler = server.RequestHandlerClass  # type: ignore[attr-defined]
        origin = self

        def counted(*args: object, **kwargs: object) -> object:
            origin.hits += 1
            return handler(*args, **kwargs)

        server.RequestHandlerClass = counted  # type: ignore[attr-defined]

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def serve(self, directory: Path) -> None:
        self.server, _ = start_server(directory, isolate=self.isolate, port=self.port)
        self._count(self.server)


@pytest.fixture(params=[True, False], ids=["isolated", "plain"])
def origin(request: pytest.FixtureRequest) -> Iterator[Origin]:
    """`make serve` (COOP/COEP) and `make serve-plain` (none)."""
    o = Origin(SITE, isolate=request.param)
    yield o
    o.stop()


def caches_of(page: Page) -> dict[str, list[str]]:
    result: dict[str, list[str]] = page.evaluate(CACHES_JS)
    return result


def check_manifest(page: Page, base_url: str) -> None:
    href = page.evaluate("document.querySelector('link[rel=manifest]')?.href")
    assert href == base_url + "manifest.webmanifest", href
    manifest = json.loads(page.evaluate("(u) => fetch(u).then((r) => r.text())", href))
    assert manifest["start_url"] == "./" and manifest["scope"] == "./", "start_url/scope must work under a sub-path"
    assert manifest["name"] and manifest["short_name"] and manifest["theme_color"]
    for icon in manifest["icons"]:
        assert (SITE / icon["src"]).is_file(), icon
    # Chromium's own reading of it: parsed without errors, and nothing stops an install.
    cdp = page.context.new_cdp_session(page)
    parsed = cdp.send("Page.getAppManifest")
    assert not parsed.get("errors"), parsed["errors"]
    assert json.loads(parsed["data"])["name"] == manifest["name"]
    # Playwright's contexts are incognito profiles, where Chromium installs nothing: that is the one
    # reason allowed (a missing icon, start_url or name would be listed here too).
    installability = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert [e["errorId"] for e in installability] in ([], ["in-incognito"]), installability


def run_all_matches_build(page: Page, path: str) -> None:
    static = page.evaluate(SIGNATURE_JS, "static")
    assert any(cell["text"] or cell["diagrams"] for cell in static), f"{path}: no build-time output"
    page.get_by_role("button", name="Run all", exact=True).click()
    page.wait_for_selector('.condis-toolbar[data-condis-run-all="done"]', timeout=LIVE_TIMEOUT_MS)
    live = page.evaluate(SIGNATURE_JS, "live")
    assert [c["state"] for c in live] == ["done"] * len(static), f"{path}: not every cell ran cleanly offline"
    sources = page.evaluate(SIGNATURE_JS, "source")
    for index, (want, got) in enumerate(zip(static, live, strict=True)):
        if sources[index].lstrip().startswith("# parity: structure"):
            assert len(got["diagrams"]) == len(want["diagrams"]), f"{path} cell {index}"
            continue
        assert got == {**want, "state": "done"}, f"{path} cell {index}: offline output differs from the build"


def rebuilt_site(tmp: Path) -> Path:
    """The built site with its home page changed, and a service worker made again by the real tool."""
    home = (SITE / "index.html").read_text(encoding="utf-8").replace("</head>", REBUILT_MARK + "</head>", 1)
    view = make_view(SITE, tmp / "rebuilt", {"index.html": home.encode(), "sw.js": b""})
    subprocess.run(["node", str(ROOT / "tools" / "make_sw.mjs"), str(view)], check=True, cwd=ROOT)
    return view


def test_offline_after_one_visit_and_a_rebuild_replaces_the_cache(
    context: BrowserContext, origin: Origin, tmp_path: Path
) -> None:
    first, second = notebook_pages()[:2]
    server = SiteServer(origin.base_url, origin.isolate)
    rec = open_page(context, server)
    p = rec.page

    # Online: the first visit installs the offline copy; one Run keeps the runtime.
    p.goto(server.base_url + first)
    check_manifest(p, server.base_url)
    p.wait_for_function(SW_ACTIVE, timeout=LIVE_TIMEOUT_MS)
    p.locator('[data-condis-cell="0"]').get_by_role("button", name="Run", exact=True).click()
    p.wait_for_function(
        "() => condisLive.state().info && condisLive.state().info.stored !== null", timeout=LIVE_TIMEOUT_MS
    )
    kept = caches_of(p)
    versions = [name for name in kept if name.startswith("condis-site-") and not name.endswith("-on-use")]
    assert len(versions) == 1, kept
    precached = {url.split("?")[0] for url in kept[versions[0]]}
    assert server.base_url + second + "index.html" in precached
    runtime = {url.split("?")[0].rsplit("/", 1)[1] for url in kept["condis-runtime"]}
    wheel = next((SITE / "pyodide").glob("*.whl")).name
    assert runtime == {"pyodide.asm.wasm", "python_stdlib.zip", "condis-snapshot.bin", wheel}, runtime
    big = [u for u in precached if u.endswith((".wasm", ".zip", ".bin", ".whl"))]
    assert not big, f"the runtime's big files are kept twice: {big}"

    # Offline: no server at all, and the browser cut off too.
    assert origin.hits > 0
    origin.stop()
    context.set_offline(True)
    hits = origin.hits
    p.reload()
    assert p.evaluate("!!navigator.serviceWorker.controller"), "the reloaded page is not served by the service worker"
    isolated = p.evaluate("crossOriginIsolated")
    assert isolated == origin.isolate, "the service worker's responses must keep the server's COOP/COEP (or lack)"
    instant_navigate(p, server.base_url + second)
    run_all_matches_build(p, second)
    info = p.evaluate("condisLive.state().info")
    assert info["from"] == "snapshot", info
    assert set(info["cached"]) == runtime, info
    assert origin.hits == hits, "the server was reached while offline"
    assert not rec.foreign_requests(), rec.foreign_requests()
    if not origin.isolate:
        return  # the rebuild below does not depend on the headers

    # A rebuilt site on the same origin: the page offers it, Reload activates it, the old cache goes.
    origin.serve(rebuilt_site(tmp_path))
    context.set_offline(False)
    p.goto(server.base_url)
    # The navigation itself looks for a new worker; ask again in case it has not (an update already
    # under way makes this call fail, which is fine: the offer below is what counts).
    p.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.update()).catch(() => null)")
    reload = p.locator(".condis-update").get_by_role("button", name="Reload")
    reload.wait_for(timeout=LIVE_TIMEOUT_MS)
    with p.expect_navigation():
        reload.click()
    after = caches_of(p)
    new_versions = [name for name in after if name.startswith("condis-site-") and not name.endswith("-on-use")]
    assert len(new_versions) == 1 and new_versions != versions, (versions, after)
    assert "condis-runtime" in after, "the runtime cache belongs to the worker, not to a site version"
    origin.stop()
    context.set_offline(True)
    p.goto(server.base_url)
    assert p.locator('meta[name="condis-rebuilt"]').count() == 1, "offline, the old version's page was served"
    origin.serve(SITE)  # for the fixture's teardown
