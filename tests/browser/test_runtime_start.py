"""How the live runtime starts: from the build's heap snapshot, and without it.

The build saves a Pyodide heap with Python booted and condis-edu imported (tools/make_snapshot.mjs);
the worker restores it instead of booting. These tests check that a normal first Run uses it, that
every way it can be unusable (absent, made for another wheel, corrupt) falls back to a normal start
that works, and that both starts compute the same thing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import SITE, RecordedPage, SiteServer, notebook_pages, open_page, run_cell, set_cell_code
from playwright.sync_api import Browser, BrowserContext, Request, Route

# A deterministic computation that goes through the engine, the trace renderer and str hashing.
PROBE = """\
from condis_edu.testing import loopback_machine
m, nic = loopback_machine()
print(len(m.trace), hash("condis"), sorted({"b", "a", "c"}))
print(str(m.trace).splitlines()[-1])
"""


def first_page() -> str:
    pages = notebook_pages()
    assert pages, "the built site has no notebook pages"
    return pages[0]


def snapshot_meta() -> dict[str, object]:
    return dict(json.loads((SITE / "pyodide" / "condis-snapshot.json").read_text()))


@pytest.fixture
def fresh(browser: Browser) -> Iterator[BrowserContext]:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    yield ctx
    ctx.close()


def start_and_probe(ctx: BrowserContext, server: SiteServer) -> tuple[RecordedPage, dict[str, object], str]:
    fetched: list[Request] = []
    ctx.on("request", lambda r: fetched.append(r))  # the page's and its workers' requests, each once
    rec = open_page(ctx, server)
    rec.fetched = fetched  # type: ignore[attr-defined]
    rec.page.goto(server.base_url + first_page())
    set_cell_code(rec.page, 0, PROBE)
    result = run_cell(rec.page, 0)
    assert result["state"] == "done", result
    info = rec.page.evaluate("() => condisLive.state().info")
    assert not rec.foreign_requests()
    return rec, info, result["text"]


def requested(rec: RecordedPage, name: str) -> int:
    """How many distinct requests fetched ``pyodide/<name>``."""
    fetched: list[Request] = rec.fetched  # type: ignore[attr-defined]
    return len({id(r) for r in fetched if r.url.split("?")[0].endswith("/pyodide/" + name)})


def test_the_build_ships_a_snapshot_for_its_wheel() -> None:
    assert isinstance(snapshot_meta()["modules"], int)
    meta = snapshot_meta()
    lock = json.loads((SITE / "pyodide" / "pyodide-lock.json").read_text())
    entry = lock["packages"]["condis-edu"]
    assert meta["wheel"] == entry["file_name"]
    assert meta["wheel_sha256"] == entry["sha256"]
    heap = SITE / "pyodide" / "condis-snapshot.bin"
    assert heap.stat().st_size == meta["size"]
    assert Path(str(heap) + ".gz").exists(), "the snapshot should be served gzip'd (first-Run byte budget)"


@pytest.fixture(scope="module")
def restored(browser: Browser, site_server: SiteServer) -> Iterator[tuple[RecordedPage, dict[str, object], str]]:
    """A page whose runtime started from the snapshot, and the probe's output there."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        yield start_and_probe(ctx, site_server)
    finally:
        ctx.close()


def test_first_run_restores_the_snapshot(restored: tuple[RecordedPage, dict[str, object], str]) -> None:
    rec, info, _ = restored
    assert info["from"] == "snapshot", info
    assert requested(rec, "condis-snapshot.bin") == 1
    # The restore replaces Python's boot and the package load: the wheel is fetched once, to be
    # unpacked, and nothing is fetched twice.
    assert requested(rec, str(snapshot_meta()["wheel"])) == 1
    assert requested(rec, "pyodide.asm.wasm") == 1
    assert rec.page.locator(".condis-toolbar-status").get_attribute("data-runtime-from") == "snapshot"
    # The progress bar ended full, in bytes on the wire (what the status line's "about 12 MB" means).
    progress = rec.page.evaluate("() => condisLive.state().progress")
    assert progress["loaded"] == progress["total"]
    assert 5e6 < progress["total"] < 15e6, progress


def test_restored_runtime_has_the_package_files(restored: tuple[RecordedPage, dict[str, object], str]) -> None:
    # A snapshot holds the heap, not the file system: the worker unpacks the wheel again.
    rec, info, _ = restored
    set_cell_code(rec.page, 0, "import importlib.metadata as md\nprint(md.version('condis-edu'))")
    assert run_cell(rec.page, 0)["text"].strip() == info["engine"]


def test_restored_runtime_reseeds_random(browser: Browser, site_server: SiteServer) -> None:
    # Every reader restores the same heap; random numbers must still differ between visits.
    draws = []
    for _ in range(2):
        ctx = browser.new_context()
        try:
            rec = open_page(ctx, site_server)
            rec.page.goto(site_server.base_url + first_page())
            set_cell_code(rec.page, 0, "import random\nprint(random.getrandbits(64))")
            draws.append(run_cell(rec.page, 0)["text"].strip())
            assert rec.page.evaluate("() => condisLive.state().info.from") == "snapshot"
        finally:
            ctx.close()
    assert draws[0] != draws[1]


def _other_wheel(route: Route) -> None:
    meta = snapshot_meta()
    meta["wheel_sha256"] = "0" * 64
    route.fulfill(status=200, content_type="application/json", body=json.dumps(meta))


def _other_build(route: Route) -> None:
    heap = bytearray((SITE / "pyodide" / "condis-snapshot.bin").read_bytes())
    heap[16:48] = bytes(b ^ 0xFF for b in heap[16:48])  # the wasm build id the heap was made with
    route.fulfill(status=200, content_type="application/octet-stream", body=bytes(heap))


FALLBACKS = {
    # no snapshot at all (a build without one, or a host that dropped the file)
    "no-metadata": ("**/pyodide/condis-snapshot.json", lambda route: route.fulfill(status=404, body="no")),
    # made for another build of the wheel: must not even be downloaded
    "other-wheel": ("**/pyodide/condis-snapshot.json", _other_wheel),
    # listed but missing
    "missing-heap": ("**/pyodide/condis-snapshot.bin", lambda route: route.fulfill(status=404, body="gone")),
    # made with another pyodide.asm.wasm (Pyodide checks the build id)
    "other-build": ("**/pyodide/condis-snapshot.bin", _other_build),
    # corrupt: not a snapshot at all
    "corrupt-heap": (
        "**/pyodide/condis-snapshot.bin",
        lambda route: route.fulfill(status=200, content_type="application/octet-stream", body=b"\0" * 65536),
    ),
}


@pytest.mark.parametrize("case", sorted(FALLBACKS))
def test_unusable_snapshot_falls_back_to_a_normal_start(
    browser: Browser, site_server: SiteServer, restored: tuple[RecordedPage, dict[str, object], str], case: str
) -> None:
    pattern, handler = FALLBACKS[case]
    ctx = browser.new_context()
    try:
        ctx.route(pattern, handler)
        rec, info, text = start_and_probe(ctx, site_server)
        assert info["from"] == "boot", info
        assert not rec.page.locator(".condis-toolbar [role=alert]").is_visible()
        if case == "other-wheel":
            assert requested(rec, "condis-snapshot.bin") == 0
        # Both starts compute the same: same engine, same trace, same str hashes.
        assert text == restored[2]
    finally:
        ctx.close()


# ---------------------------------------------------------------- the runtime cache (web/runtime-cache.js)
BIG_FILES = ("condis-snapshot.bin", "pyodide.asm.wasm", "python_stdlib.zip")


def visit(ctx: BrowserContext, server: SiteServer) -> tuple[RecordedPage, dict[str, object], str]:
    """One visit: a new page load in ``ctx`` (same browser profile), the probe run, the downloads kept."""
    rec, info, text = start_and_probe(ctx, server)
    rec.page.wait_for_function("() => condisLive.state().info.stored !== null")
    info = rec.page.evaluate("() => condisLive.state().info")
    return rec, info, text


def cache_keys(rec: RecordedPage) -> list[str]:
    return rec.page.evaluate(
        "async () => (await (await caches.open('condis-runtime')).keys()).map((r) => r.url.split('/').pop())"
    )


def test_second_visit_reads_the_runtime_from_the_cache(
    browser: Browser, site_server: SiteServer, restored: tuple[RecordedPage, dict[str, object], str]
) -> None:
    ctx = browser.new_context()
    try:
        first, info, _ = visit(ctx, site_server)
        assert info["cached"] == [] and info["stored"] == 4, info
        first.page.close()
        second, info, text = visit(ctx, site_server)
        wheel = str(snapshot_meta()["wheel"])
        assert info["cached"] == sorted([*BIG_FILES, wheel]), info
        assert info["from"] == "snapshot"
        for name in (*BIG_FILES, wheel):
            assert requested(second, name) == 0, f"{name} was downloaded again"
        assert text == restored[2]
    finally:
        ctx.close()


def test_a_returning_reader_s_python_starts_before_any_run(
    browser: Browser, site_server: SiteServer, restored: tuple[RecordedPage, dict[str, object], str]
) -> None:
    """The warm start (web/warm.js, written inline in the page's head): on a visit after one that
    kept the runtime, Python is restored from those copies while the page loads, with no Run and no
    download, and the first Run uses it."""
    ctx = browser.new_context()
    try:
        first, info, _ = visit(ctx, site_server)
        assert info["from"] == "snapshot" and not first.page.evaluate("() => condisLive.state().warm")
        head = first.page.evaluate(
            "() => [...document.head.querySelectorAll('script[data-condis-root]')].map((s) => s.dataset.condisRoot)"
        )
        assert head == ["../../"], head  # inline, with the site's root beside it
        assert not [u for u in first.requests if "condis-warm" in u], "the warm-start script was fetched"
        first.page.close()

        fetched: list[Request] = []
        ctx.on("request", lambda r: fetched.append(r))
        rec = open_page(ctx, site_server)
        rec.fetched = fetched  # type: ignore[attr-defined]
        rec.page.goto(site_server.base_url + first_page())
        # Nobody clicks: the runtime gets ready by itself, and says it was a warm start.
        rec.page.wait_for_function("() => condisLive.state().status === 'ready'")
        state = rec.page.evaluate("() => condisLive.state()")
        assert state["warm"] is True and state["busy"] is False, state
        assert state["info"]["from"] == "snapshot", state
        wheel = str(snapshot_meta()["wheel"])
        for name in (*BIG_FILES, wheel):
            assert requested(rec, name) == 0, f"{name} was downloaded for a warm start"
        # Its first Run uses that runtime: same answer as a cold start.
        set_cell_code(rec.page, 0, PROBE)
        result = run_cell(rec.page, 0)
        assert result["state"] == "done" and result["text"] == restored[2], result
        assert not rec.foreign_requests()
    finally:
        ctx.close()


def test_a_first_visit_starts_no_python_before_a_run(fresh: BrowserContext, site_server: SiteServer) -> None:
    """Without kept copies the warm start gives up before any download: nothing big is fetched
    until the reader presses Run."""
    fetched: list[Request] = []
    # The page's and its workers' requests; the service worker's offline copy is its own business.
    fresh.on("request", lambda r: None if r.service_worker else fetched.append(r))
    rec = open_page(fresh, site_server)
    rec.fetched = fetched  # type: ignore[attr-defined]
    rec.page.goto(site_server.base_url + first_page(), wait_until="networkidle")
    rec.page.wait_for_function("() => condisLive.state().status === 'idle' && !condisLive.state().warm")
    rec.page.wait_for_timeout(500)
    assert rec.page.evaluate("() => condisLive.state().status") == "idle"
    for name in (*BIG_FILES, "pyodide.asm.js", "pyodide-lock.json"):
        assert requested(rec, name) == 0, f"{name} was fetched before any Run"


def _rebuilt(route: Route) -> None:
    meta = json.loads((SITE / "pyodide" / "condis-snapshot.json").read_text())
    meta["files"]["pyodide.asm.wasm"]["sha256"] = "1" * 64  # as if the site now shipped another wasm
    route.fulfill(status=200, content_type="application/json", body=json.dumps(meta))


def test_a_rebuilt_site_does_not_reuse_or_keep_old_entries(browser: Browser, site_server: SiteServer) -> None:
    # The rebuild is imitated by rewriting condis-snapshot.json on its way to the worker. A service
    # worker would answer the second visit's request from its own copy of the first build (as it
    # should: tests/browser/test_offline.py covers a real rebuild), so this context has none.
    ctx = browser.new_context(service_workers="block")
    try:
        first, _, _ = visit(ctx, site_server)
        assert sum(k.startswith("pyodide.asm.wasm?sha256=") for k in cache_keys(first)) == 1
        first.page.close()
        ctx.route("**/pyodide/condis-snapshot.json", _rebuilt)
        second, info, _ = visit(ctx, site_server)
        assert "pyodide.asm.wasm" not in info["cached"]
        assert requested(second, "pyodide.asm.wasm") == 1
        # The download did not match the announced hash, so it was not stored, and the entry of the
        # previous build, which no key names any more, was deleted.
        assert not [k for k in cache_keys(second) if k.startswith("pyodide.asm.wasm")]
        assert "condis-snapshot.bin" in info["cached"]
    finally:
        ctx.close()


def test_a_corrupt_download_is_not_kept(browser: Browser, site_server: SiteServer) -> None:
    ctx = browser.new_context()
    try:
        ctx.route(*FALLBACKS["corrupt-heap"])
        first, info, _ = visit(ctx, site_server)
        assert info["from"] == "boot"
        assert not [k for k in cache_keys(first) if k.startswith("condis-snapshot.bin")]
        first.page.close()
        ctx.unroute("**/pyodide/condis-snapshot.bin")
        _, info, _ = visit(ctx, site_server)
        assert info["from"] == "snapshot" and "condis-snapshot.bin" not in info["cached"]
    finally:
        ctx.close()
