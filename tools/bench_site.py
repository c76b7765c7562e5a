"""Page-load budgets of the live cells, measured in headless Chromium against the built site.

    python tools/bench_site.py [--site site] [--runs 3] [--plain]

Serves the site on 127.0.0.1 (COOP/COEP on unless ``--plain``) and measures, the same way each run:

* cold: a fresh browser context navigates to the first notebook page and clicks the first cell's
  "Run" as soon as it exists; time from navigation start to the first live result of that cell;
* instant: from that page, Material's instant navigation to the next notebook page (the same page
  again through another page if the site has only one), then "Run" on its first cell; time from
  the navigation request to the first live result.

The click is made inside the page, by the recorder, in the same task in which the button appears
(``button.click()``: the runner's own handler, as for a mouse click). A Playwright ``click()`` would
add its own actionability checks and round trips, 200-400 ms on this kind of machine, which are the
tool's latency, not the site's;
* bytes before any Run: sum of response body sizes fetched by the cold page (and its workers) until
  the network is idle, before anything is clicked;
* bytes on the first Run: response bodies fetched from the click to the first result (Pyodide).

Timings are taken inside the page (``performance.now()`` when the output element reaches a final
state), so Playwright's polling does not inflate them. The median of ``--runs`` runs is compared with
the target. This is a benchmark, not a test: it prints PASS/FAIL per figure and a summary line, and
exits non-zero when a budget is missed.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserContext, Page, Request, Route, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from serve import start_server  # noqa: E402

CHROMIUM = os.environ.get("CONDIS_CHROMIUM", "/usr/bin/chromium")
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

TARGETS = {
    "cold_s": 3.0,
    "instant_s": 0.3,
    "bytes_before_run": 1_000_000,
    "bytes_first_run": 15_000_000,
}

# Records, inside the page, when a cell's live output reaches a final state. Survives instant
# navigation (the script stays; the observer watches the whole document).
RECORDER = """
(() => {
  window.__condisBench = { results: [], autoClick: !!window.__condisBenchColdClick };
  const seen = new WeakSet();
  const check = () => {
    const final = '.condis-output[data-state="done"], .condis-output[data-state="error"]';
    for (const el of document.querySelectorAll(final)) {
      if (seen.has(el)) continue;
      seen.add(el);
      const cell = el.closest('[data-condis-cell]');
      window.__condisBench.results.push({
        t: performance.now(), path: location.pathname,
        cell: cell ? +cell.dataset.condisCell : -1, state: el.dataset.state,
      });
    }
  };
  // Where the time goes: when each page's first Run button appeared, when it was clicked, and how
  // the worker says Python started.
  window.__condisBench.marks = [];
  const mark = (what) => window.__condisBench.marks.push({ what, t: performance.now(), path: location.pathname });
  document.addEventListener('DOMContentLoaded', () => mark('dcl'));
  document.addEventListener('click', (e) => {
    if (e.target.closest && e.target.closest('[data-condis-cell="0"]')) mark('click');
  }, true);
  let lastButton = null, runtimeSeen = false;
  // armed by the bench before each measured navigation (cold: by an init script)
  const runButton = () => [...document.querySelectorAll('[data-condis-cell="0"] button')]
    .find((b) => b.textContent.trim() === 'Run');
  const watch = () => {
    // A new page's button is a new element (instant navigation may change the URL first).
    const run = runButton();
    if (run && run !== lastButton) {
      lastButton = run; mark('button');
      if (window.__condisBench.autoClick) { window.__condisBench.autoClick = false; run.click(); }
    }
    const status = !runtimeSeen && document.querySelector('[data-runtime-from]');
    if (status) {
      runtimeSeen = true;
      window.__condisBench.runtime = {
        from: status.dataset.runtimeFrom, timings: JSON.parse(status.dataset.runtimeTimings || '{}'),
      };
    }
  };
  new MutationObserver(watch).observe(document,
    { subtree: true, childList: true, attributes: true, attributeFilter: ['data-runtime-timings'] });
  new MutationObserver(check).observe(document,
    { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] });
})();
"""


# Follow a link as a reader does: Material's instant navigation intercepts the click.
FOLLOW_LINK = """(u) => {
  const a = document.createElement('a');
  a.href = u;
  document.querySelector('.md-content').append(a);
  a.click();
  a.remove();
}"""


@dataclass
class Meter:
    """Response body bytes per URL, for the page and its workers."""

    entries: list[tuple[str, int]] = field(default_factory=list)
    started: list[float] = field(default_factory=list)  # wall-clock ms at which each request started
    marker: int = 0

    def attach(self, context: BrowserContext) -> None:
        def finished(request: Request) -> None:
            try:
                size = request.sizes()["responseBodySize"]
            except Exception:
                size = 0
            self.entries.append((request.url, max(size, 0)))
            self.started.append(request.timing.get("startTime", -1.0))

        context.on("requestfinished", finished)

    def mark(self) -> None:
        self.marker = len(self.entries)

    def since_mark(self) -> list[tuple[str, int]]:
        return self.entries[self.marker :]

    def started_after(self, wall_ms: float) -> list[tuple[str, int]]:
        return [e for e, t in zip(self.entries, self.started, strict=True) if t >= wall_ms]


def notebook_paths(site: Path) -> list[str]:
    return [f"notebooks/{p.parent.name}/" for p in sorted((site / "notebooks").glob("*/index.html"))]


def first_result(page: Page, path_suffix: str, after: float) -> float:
    page.wait_for_function(
        "([p, a]) => window.__condisBench.results.some(r => r.path.endsWith(p) && r.cell === 0 && r.t > a)",
        arg=[path_suffix, after],
        timeout=120_000,
    )
    return page.evaluate(
        "([p, a]) => window.__condisBench.results.find(r => r.path.endsWith(p) && r.cell === 0 && r.t > a).t",
        [path_suffix, after],
    )


def built_site_url(site: Path) -> str | None:
    """The origin the sitemap was built for (mkdocs site_url), e.g. ``http://127.0.0.1:8000/``."""
    match = re.search(r"<loc>(https?://[^/<]+/)", (site / "sitemap.xml").read_text(encoding="utf-8"))
    return match.group(1) if match else None


def follow_sitemap(context: BrowserContext, site_url: str | None, base: str) -> None:
    """Material's instant navigation only follows links listed in sitemap.xml, matched with the port
    the site was built for; serve it rewritten to the port we actually use."""
    if not site_url or site_url == base:
        return

    def handle(route: Route) -> None:
        response = route.fetch()
        route.fulfill(response=response, body=response.text().replace(site_url, base))

    context.route("**/sitemap.xml", handle)


def throttle(page: Page, mbps: float | None) -> None:
    """Emulate a slower line for this page and its workers: ``mbps`` down, half that up, 40 ms RTT."""
    if not mbps:
        return
    session = page.context.new_cdp_session(page)
    session.send("Network.enable")
    session.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": 40,
            "downloadThroughput": mbps * 1e6 / 8,
            "uploadThroughput": mbps * 1e6 / 16,
        },
    )


def load_and_run(context: BrowserContext, url: str, mbps: float | None) -> tuple[Page, float]:
    """A page load in ``context`` whose first Run is clicked the moment it exists; seconds from the
    navigation to that cell's first live result."""
    page = context.new_page()
    throttle(page, mbps)
    page.add_init_script("window.__condisBenchColdClick = true;")
    page.add_init_script(RECORDER)
    page.goto(url, wait_until="commit")
    return page, first_result(page, url.split("/", 3)[3], 0) / 1000


def one_run(
    context: BrowserContext, base: str, pages: list[str], site_url: str | None, mbps: float | None = None
) -> dict[str, float]:
    meter = Meter()
    meter.attach(context)
    page = context.new_page()
    page.add_init_script(RECORDER)
    first = pages[0]

    # Bytes before any Run: load the page, let it settle, click nothing.
    page.goto(base + first, wait_until="networkidle")
    page.wait_for_timeout(300)
    before = sum(size for _, size in meter.entries)
    before_urls = list(meter.entries)
    page.close()

    # Cold: a new context (empty cache), navigate, click Run on the first cell as soon as it exists.
    cold_ctx = context.browser.new_context()
    follow_sitemap(cold_ctx, site_url, base)
    cold_meter = Meter()
    cold_meter.attach(cold_ctx)
    # The first Run's bytes: every request that started at or after the click.
    page, t_cold = load_and_run(cold_ctx, base + first, mbps)
    click_wall = page.evaluate(
        "() => { const c = window.__condisBench.marks.find((m) => m.what === 'click');"
        " return c ? performance.timeOrigin + c.t : null; }"
    )
    if click_wall is None:
        raise SystemExit("the recorder never clicked Run on the cold page")
    page.wait_for_function("() => !!window.__condisBench.runtime")
    cold_marks = page.evaluate("() => ({ marks: window.__condisBench.marks, runtime: window.__condisBench.runtime })")
    page.wait_for_timeout(300)  # let the last responses of the first Run finish
    first_run_urls = cold_meter.started_after(click_wall - 1)
    first_run_bytes = sum(size for _, size in first_run_urls)

    # Instant navigation to the next notebook (or away and back when the site has only one).
    target = pages[1] if len(pages) > 1 else first
    if len(pages) == 1:
        page.evaluate(FOLLOW_LINK, base)
        page.wait_for_function("() => !document.querySelector('[data-condis-cell]')")
    cold_meter.mark()
    page.evaluate("window.__condisBenchMarker = 1")
    arm_and_follow = (
        "(u) => { window.__condisBench.autoClick = true; const t = performance.now();"
        f" ({FOLLOW_LINK})(u); return t; }}"
    )
    t0 = page.evaluate(arm_and_follow, base + target)
    t_result = first_result(page, target, t0)
    t_instant = (t_result - t0) / 1000
    instant_marks = [
        (m["what"], round(m["t"] - t0)) for m in page.evaluate("() => window.__condisBench.marks") if m["t"] >= t0
    ]
    if not page.evaluate("() => window.__condisBenchMarker === 1"):
        raise SystemExit("instant navigation did not happen (the page was reloaded): check sitemap.xml / site_url")
    reloaded = [u for u, _ in cold_meter.since_mark() if "/pyodide/" in u]
    if reloaded:
        print(f"  note: instant navigation fetched Pyodide again: {reloaded}")
    # The worker keeps this visit's downloads for the next one shortly after its first result; a
    # reader who stays a few seconds gets that, so wait for it before leaving.
    page.wait_for_function("() => condisLive.state().info && condisLive.state().info.stored !== null", timeout=60_000)
    page.close()

    # Repeat visit: a new page load in the same browser profile (HTTP cache and the runtime cache
    # warm), Run clicked as soon as it exists.
    _, t_repeat = load_and_run(cold_ctx, base + first, mbps)
    cold_ctx.close()
    return {
        "cold_s": t_cold,
        "instant_s": t_instant,
        "repeat_s": t_repeat,
        "bytes_before_run": before,
        "bytes_first_run": first_run_bytes,
        "_cold": cold_marks,  # type: ignore[dict-item]
        "_instant": instant_marks,  # type: ignore[dict-item]
        "_before_urls": before_urls,  # type: ignore[dict-item]
        "_first_run_urls": first_run_urls,  # type: ignore[dict-item]
    }


def fmt(key: str, value: float) -> str:
    return f"{value:.2f} s" if key.endswith("_s") else f"{value / 1e6:.2f} MB ({int(value):,} bytes)"


def breakdown(r: dict[str, Any]) -> str:
    """Where a run's time went: page milestones (ms from navigation) and the worker's own timings."""
    cold = r["_cold"]
    marks = ", ".join(f"{m['what']} {m['t']:.0f}" for m in cold["marks"] if m["what"] in ("dcl", "button", "click"))
    runtime = cold.get("runtime") or {}
    timings = ", ".join(f"{k} {v}" for k, v in (runtime.get("timings") or {}).items() if k != "start")
    instant = ", ".join(f"{what} {t}" for what, t in r["_instant"])
    return (
        f"cold: {marks}, result {r['cold_s'] * 1000:.0f}; worker ({runtime.get('from', '?')}): {timings}"
        f" | instant: {instant}, result {r['instant_s'] * 1000:.0f}"
    )


def top(entries: list[tuple[str, int]], base: str, n: int = 6) -> str:
    rows = sorted(entries, key=lambda e: -e[1])[:n]
    return "\n".join(f"      {size / 1e3:9.1f} kB  {url.replace(base, '/')}" for url, size in rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=Path(os.environ.get("CONDIS_SITE", ROOT / "site")))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--plain", action="store_true", help="serve without COOP/COEP")
    parser.add_argument("--verbose", action="store_true", help="list the largest files per figure")
    parser.add_argument(
        "--network",
        type=float,
        metavar="MBPS",
        help="emulate a line of MBPS Mbit/s down (40 ms RTT) on the measured pages; the budgets are "
        "defined on plain loopback, so a throttled run reports figures without PASS/FAIL",
    )
    args = parser.parse_args()
    if not (args.site / "pyodide" / "pyodide-lock.json").exists():
        print(f"{args.site} is not a built, staged site: run `make site`", file=sys.stderr)
        return 2
    pages = notebook_paths(args.site)
    if not pages:
        print("the site has no notebook pages", file=sys.stderr)
        return 2
    if not Path(CHROMIUM).exists():
        print(f"Chromium not found at {CHROMIUM}", file=sys.stderr)
        return 2

    server, base = start_server(args.site, isolate=not args.plain)
    mode = "plain (no COOP/COEP)" if args.plain else "cross-origin isolated"
    if args.network:
        mode += f", network emulated at {args.network:g} Mbit/s down, 40 ms RTT"
    print(
        f"bench-site: {base} ({mode}), {args.runs} runs, pages {pages[0]} -> {pages[1] if len(pages) > 1 else pages[0]}"
    )
    runs = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            for i in range(args.runs):
                ctx = browser.new_context()
                r = one_run(ctx, base, pages, built_site_url(args.site), args.network)
                ctx.close()
                runs.append(r)
                print(
                    f"  run {i + 1}: cold {r['cold_s']:.2f} s, instant {r['instant_s']:.3f} s, "
                    f"repeat visit {r['repeat_s']:.2f} s, "
                    f"before-run {r['bytes_before_run'] / 1e6:.2f} MB, first-run {r['bytes_first_run'] / 1e6:.2f} MB"
                )
                if args.verbose:
                    print(f"         {breakdown(r)}")
        finally:
            browser.close()
            server.shutdown()

    failed = 0
    labels = {
        "cold_s": "cold navigation -> first live result",
        "instant_s": "instant navigation -> first result",
        "bytes_before_run": "bytes fetched before any Run",
        "bytes_first_run": "bytes fetched on the first Run",
    }
    print()
    for key, target in TARGETS.items():
        value = statistics.median(r[key] for r in runs)
        ok = value <= target or bool(args.network)
        failed += not ok
        verdict = "(throttled: no target)" if args.network else "PASS" if ok else "FAIL"
        print(f"  {labels[key]:<40} {fmt(key, value):>26}   target <= {fmt(key, target):<26} {verdict}")
        if args.verbose and key.startswith("bytes"):
            print(top(runs[-1]["_before_urls" if key == "bytes_before_run" else "_first_run_urls"], base))
    print()
    repeat = statistics.median(r["repeat_s"] for r in runs)
    label = "repeat visit -> first live result"
    print(f"  {label:<40} {fmt('repeat_s', repeat):>26}   (no target: the runtime cache is warm)")
    print()
    if args.network:
        print("bench-site: throttled profile, figures only")
        return 0
    print(f"bench-site: {len(TARGETS) - failed}/{len(TARGETS)} budgets met ({'PASS' if not failed else 'FAIL'})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
