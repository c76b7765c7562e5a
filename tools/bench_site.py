"""Page-load budgets of the live cells, measured in headless Chromium against the built site.

    python tools/bench_site.py [--site site] [--runs 7] [--plain] [--verbose]

Serves the site on 127.0.0.1 (COOP/COEP on unless ``--plain``) and measures, the same way each run:

* bare: the baseline. A page that is not part of the site (``bench-bare/``, added by this script to
  the served directory only) starts Pyodide from the site's own files in a worker, with nothing of
  ours (no snapshot, no runtime cache, no service worker), and runs one statement; time from
  navigation start to its result, in a new browser profile. The site's start-up figures are given
  as ratios against it, taken in the same run, same browser build, same server, so the ratios hold
  on a slower or busier machine where seconds would not;

* cold: a new browser profile navigates to the first notebook page and clicks the first cell's
  "Run" as soon as it exists; time from navigation start to the first live result of that cell;
* instant: from that page, Material's instant navigation to the next notebook page (the same page
  again through another page if the site has only one), then "Run" on its first cell; time from
  the navigation request to the first live result.

The click is made inside the page, by the recorder, in the same task in which the button appears
(``button.click()``: the runner's own handler, as for a mouse click). A Playwright ``click()`` would
add its own actionability checks and round trips, 200-400 ms on this kind of machine, which are the
tool's latency, not the site's;
* repeat visit: a new page load in the same profile after the first visit (service worker, HTTP
  cache, runtime cache and Chromium's compiled-code cache warm), Run clicked as soon as it exists;
* bytes before any Run: sum of response body sizes fetched by the cold page (and its workers) until
  the network is idle, before anything is clicked. The service worker's download of the offline copy
  (after the page has loaded, in the background) is reported beside it, not counted in it;
* bytes on the first Run: response bodies fetched from the click to the first result (Pyodide).

Timings are taken inside the page (``performance.now()`` when the output element reaches a final
state), so Playwright's polling does not inflate them. The median of ``--runs`` runs (of each run's
ratio, for the start-up figures) is compared with the target. This is a benchmark, not a test: it
prints a table (median, spread, ratio, target, met or not) and a summary line, and exits non-zero
when a budget is missed.

Profiles. Every browser here runs on its own new profile directory, as a reader's browser does:
what Chromium keeps between two visits (the HTTP cache, Cache Storage, and the compiled code of
scripts and WebAssembly modules) is kept on disk there. Playwright's default contexts are off the
record and keep no compiled code at all, so a repeat visit there compiles Python's 8.6 MB
WebAssembly module again, as no returning reader's browser does (on a 2-CPU machine, medians of
0.44-0.48 of the bare start off the record against 0.34-0.38 on a profile).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserContext, Page, Request, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from serve import start_server  # noqa: E402
from site_view import make_view  # noqa: E402

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

# Start-up figures are ratios to the bare page's start (same run); the rest are absolute.
TARGETS = {
    "cold_ratio": 0.5,
    "repeat_ratio": 0.35,
    "instant_s": 0.25,
    "bytes_before_run": 500_000,
    "bytes_first_run": 15_000_000,
}

# The baseline: Pyodide from the site's files, started in a worker the plain way, one statement.
BARE_DIR = "bench-bare"
BARE_HTML = """<!doctype html>
<meta charset="utf-8">
<title>bare Pyodide (bench-site baseline)</title>
<pre id="result">starting</pre>
<script>
  const worker = new Worker("worker.js");
  worker.onmessage = (event) => {
    window.__bareResult = { t: performance.now(), value: event.data.value, timings: event.data.timings };
    document.getElementById("result").textContent = event.data.value;
  };
</script>
"""
BARE_WORKER = """
const t = { start: performance.now() };
importScripts("../pyodide/pyodide.js");
t.script = performance.now();
loadPyodide({ indexURL: new URL("../pyodide/", location.href).href }).then((pyodide) => {
  t.pyodide = performance.now();
  const value = String(pyodide.runPython("sum(range(10))"));
  t.ran = performance.now();
  const timings = Object.fromEntries(Object.entries(t).map(([k, v]) => [k, Math.round(v - t.start)]));
  postMessage({ value, timings });
});
"""

# Records, inside the page, when a cell's live output reaches a final state. Survives instant
# navigation (the script stays; the observer watches the whole document).
RECORDER = """
(() => {
  window.__condisBench = { results: [], autoClick: !!window.__condisBenchColdClick };
  const seen = new WeakSet();
  const running = new WeakSet();
  const check = () => {
    for (const el of document.querySelectorAll('.condis-output[data-state="running"]')) {
      if (running.has(el)) continue;
      running.add(el);
      window.__condisBench.marks.push({ what: 'running', t: performance.now(), path: location.pathname });
    }
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


Fresh = Callable[[], BrowserContext]
"""Opens a browser on a new, empty profile (each call its own)."""

# The service worker has its offline copy (it is active once its install has kept every file).
SW_ACTIVE = "() => navigator.serviceWorker.getRegistration().then((r) => !!(r && r.active))"

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
    service_worker: list[tuple[str, int]] = field(default_factory=list)  # the offline copy's downloads
    marker: int = 0

    def attach(self, context: BrowserContext) -> None:
        def finished(request: Request) -> None:
            try:
                size = request.sizes()["responseBodySize"]
            except Exception:
                size = 0
            if request.service_worker is not None:
                # The offline copy, downloaded in the background: not the page's bytes. (Chromium
                # reports a service worker's requests only once Playwright has attached to it, so
                # its size is taken from the build instead: offline_copy_bytes.)
                self.service_worker.append((request.url, max(size, 0)))
                return
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


def runtime_marks(page: Page) -> dict[str, Any]:
    page.wait_for_function("() => !!window.__condisBench.runtime")
    marks: dict[str, Any] = page.evaluate(
        "() => ({ marks: window.__condisBench.marks, runtime: window.__condisBench.runtime })"
    )
    return marks


def bare_run(fresh: Fresh, base: str, mbps: float | None) -> tuple[float, dict[str, int]]:
    """The baseline in a fresh profile: seconds from navigation to the bare page's one result."""
    context = fresh()
    try:
        page = context.new_page()
        throttle(page, mbps)
        page.goto(base + BARE_DIR + "/", wait_until="commit")
        page.wait_for_function("() => !!window.__bareResult", timeout=120_000)
        result = page.evaluate("() => window.__bareResult")
        if result["value"] != "45":
            raise SystemExit(f"the bare page's statement gave {result['value']!r}")
        return result["t"] / 1000, result["timings"]
    finally:
        context.close()


def one_run(fresh: Fresh, base: str, pages: list[str], mbps: float | None = None) -> dict[str, Any]:
    t_bare, bare_timings = bare_run(fresh, base, mbps)
    context = fresh()
    meter = Meter()
    meter.attach(context)
    page = context.new_page()
    page.add_init_script(RECORDER)
    first = pages[0]

    # Bytes before any Run: load the page, let it settle, click nothing. The service worker installs
    # the offline copy meanwhile; its downloads are counted apart.
    page.goto(base + first, wait_until="networkidle")
    page.wait_for_function(SW_ACTIVE, timeout=60_000)
    page.wait_for_timeout(300)
    before = sum(size for _, size in meter.entries)
    before_urls = list(meter.entries)
    page.close()
    context.close()

    # Cold: a new profile (nothing kept), navigate, click Run on the first cell as soon as it exists.
    cold_ctx = fresh()
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
    cold_marks = runtime_marks(page)
    page.wait_for_timeout(300)  # let the last responses of the first Run finish
    first_run_urls = cold_meter.started_after(click_wall - 1)
    first_run_bytes = sum(size for _, size in first_run_urls)

    # A reader reads the first result before moving on: by then this visit's downloads are kept
    # (runtime cache) and the service worker has installed the offline copy. Both are background
    # work that would otherwise land inside the instant navigation's figure.
    page.wait_for_function("() => condisLive.state().info && condisLive.state().info.stored !== null", timeout=60_000)
    page.wait_for_function(SW_ACTIVE, timeout=60_000)

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
    page.close()

    # Repeat visit: a new page load in the same browser profile (service worker, HTTP cache and the
    # runtime cache warm), Run clicked as soon as it exists.
    page, t_repeat = load_and_run(cold_ctx, base + first, mbps)
    repeat_marks = runtime_marks(page)
    cold_ctx.close()
    return {
        "bare_s": t_bare,
        "cold_s": t_cold,
        "instant_s": t_instant,
        "repeat_s": t_repeat,
        "cold_ratio": t_cold / t_bare,
        "repeat_ratio": t_repeat / t_bare,
        "bytes_before_run": before,
        "bytes_first_run": first_run_bytes,
        "_bare": bare_timings,
        "_cold": cold_marks,
        "_repeat": repeat_marks,
        "_instant": instant_marks,
        "_before_urls": before_urls,
        "_first_run_urls": first_run_urls,
    }


def fmt(key: str, value: float) -> str:
    if key.endswith("_ratio"):
        return f"{value:.2f}"
    return f"{value:.2f} s" if key.endswith("_s") else f"{value / 1e6:.2f} MB"


def worker_timings(marks: dict[str, Any]) -> str:
    runtime = marks.get("runtime") or {}
    timings = ", ".join(f"{k} {v}" for k, v in (runtime.get("timings") or {}).items() if k != "start")
    clicked = [m["t"] for m in marks["marks"] if m["what"] == "click"]
    return f"({runtime.get('from', '?')}, click at {clicked[0] if clicked else 0:.0f}): {timings}"


def breakdown(r: dict[str, Any]) -> str:
    """Where a run's time went: page milestones (ms from navigation) and the worker's own timings."""
    cold = r["_cold"]
    shown = ("dcl", "button", "click", "running")
    marks = ", ".join(f"{m['what']} {m['t']:.0f}" for m in cold["marks"] if m["what"] in shown)
    instant = ", ".join(f"{what} {t}" for what, t in r["_instant"])
    bare = ", ".join(f"{k} {v}" for k, v in r["_bare"].items() if k != "start")
    return (
        f"bare: result {r['bare_s'] * 1000:.0f}; worker: {bare}\n"
        f"         cold: {marks}, result {r['cold_s'] * 1000:.0f}; worker {worker_timings(cold)}\n"
        f"         repeat: result {r['repeat_s'] * 1000:.0f}; worker {worker_timings(r['_repeat'])}\n"
        f"         instant: {instant}, result {r['instant_s'] * 1000:.0f}"
    )


def top(entries: list[tuple[str, int]], base: str, n: int = 6) -> str:
    rows = sorted(entries, key=lambda e: -e[1])[:n]
    return "\n".join(f"      {size / 1e3:9.1f} kB  {url.replace(base, '/')}" for url, size in rows)


def offline_copy_bytes(site: Path) -> int:
    """What the service worker downloads at install: its precache list, as the server sends it."""
    listed = re.search(r"const MANIFEST = (\[.*?\]);", (site / "sw.js").read_text(encoding="utf-8"), re.S)
    if not listed:
        raise SystemExit(f"{site}/sw.js has no precache list: run `make site`")
    total = 0
    for entry in json.loads(listed.group(1)):
        path = site / entry["url"]
        packed = path.with_name(path.name + ".gz")
        total += (packed if packed.exists() else path).stat().st_size
    return total


LABELS = {
    "bare_s": "bare Pyodide start -> one statement",
    "cold_s": "cold navigation -> first live result",
    "repeat_s": "repeat visit -> first live result",
    "instant_s": "instant navigation -> first result",
    "bytes_before_run": "bytes fetched before any Run",
    "bytes_first_run": "bytes fetched on the first Run",
}
RATIO_OF = {"cold_s": "cold_ratio", "repeat_s": "repeat_ratio"}


def table(runs: list[dict[str, Any]], throttled: bool) -> int:
    """Print the budgets table; return how many budgets were missed."""
    failed = 0
    print(f"  {'figure':<42} {'median':>9} {'min-max':>15} {'ratio':>6} {'target':>10}  {'met':<4} runs")
    for key, label in LABELS.items():
        values = [r[key] for r in runs]
        spread = f"{fmt(key, min(values))}-{fmt(key, max(values))}".replace(" s-", "-").replace(" MB-", "-")
        ratio_key = RATIO_OF.get(key)
        ratio = statistics.median(r[ratio_key] for r in runs) if ratio_key else None
        target_key = ratio_key or key
        target = TARGETS.get(target_key)
        if target is None:
            met, shown = "", "baseline" if key == "bare_s" else "none"
        else:
            measured = ratio if ratio is not None else statistics.median(values)
            ok = measured <= target
            failed += not ok and not throttled
            met = "-" if throttled else "yes" if ok else "NO"
            shown = f"<= {fmt(target_key, target)}"
        ratio_text = f"{ratio:.2f}" if ratio is not None else ""
        print(
            f"  {label:<42} {fmt(key, statistics.median(values)):>9} {spread:>15} {ratio_text:>6} {shown:>10}"
            f"  {met:<4} {len(values)}"
        )
    return failed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=Path(os.environ.get("CONDIS_SITE", ROOT / "site")))
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--plain", action="store_true", help="serve without COOP/COEP")
    parser.add_argument("--verbose", action="store_true", help="where each run's time went; the largest files")
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

    with tempfile.TemporaryDirectory(prefix="condis-bench-") as tmp:
        # The site as built, plus the bare page: one server for both.
        served = make_view(
            args.site,
            Path(tmp) / "site",
            {f"{BARE_DIR}/index.html": BARE_HTML.encode(), f"{BARE_DIR}/worker.js": BARE_WORKER.encode()},
        )
        return measure(args, served, pages)


def measure(args: argparse.Namespace, served: Path, pages: list[str]) -> int:
    server, base = start_server(served, isolate=not args.plain)
    mode = "plain (no COOP/COEP)" if args.plain else "cross-origin isolated"
    if args.network:
        mode += f", network emulated at {args.network:g} Mbit/s down, 40 ms RTT"
    print(
        f"bench-site: {base} ({mode}), {args.runs} runs, pages {pages[0]} -> {pages[1] if len(pages) > 1 else pages[0]}"
        f", load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    runs = []
    with sync_playwright() as p, tempfile.TemporaryDirectory(prefix="condis-profiles-") as profiles:
        made = 0

        def fresh() -> BrowserContext:
            # A new browser profile on disk, as a reader's: Chromium keeps there what it keeps
            # between visits (HTTP cache, Cache Storage, compiled code of scripts and wasm).
            # Playwright's default contexts are off the record and keep no compiled code, which
            # no returning reader's browser does.
            nonlocal made
            made += 1
            context = p.chromium.launch_persistent_context(
                Path(profiles) / f"profile-{made}", executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
            )
            # A reader's browser is already running when they follow a link: the browser's own
            # start is not the site's (its first tab is left open, on about:blank).
            (context.pages[0] if context.pages else context.new_page()).goto("about:blank")
            return context

        try:
            for i in range(args.runs):
                r = one_run(fresh, base, pages, args.network)
                runs.append(r)
                print(
                    f"  run {i + 1}: bare {r['bare_s']:.2f} s, cold {r['cold_s']:.2f} s ({r['cold_ratio']:.2f}), "
                    f"repeat {r['repeat_s']:.2f} s ({r['repeat_ratio']:.2f}), instant {r['instant_s']:.3f} s, "
                    f"before-run {r['bytes_before_run'] / 1e6:.2f} MB, first-run {r['bytes_first_run'] / 1e6:.2f} MB"
                )
                if args.verbose:
                    print(f"         {breakdown(r)}")
        finally:
            server.shutdown()
            server.server_close()

    print(f"\n  load average at the end {os.getloadavg()[0]:.1f}: other work on the machine moves every figure")
    failed = table(runs, bool(args.network))
    label = "offline copy (service worker, background)"
    print(f"  {label:<42} {fmt('bytes', offline_copy_bytes(served)):>9}   (as built: the precache list's files)")
    if args.verbose:
        print("  largest files before any Run:")
        print(top(runs[-1]["_before_urls"], base))
        print("  largest files on the first Run:")
        print(top(runs[-1]["_first_run_urls"], base))
    print()
    if args.network:
        print("bench-site: throttled profile, figures only")
        return 0
    print(f"bench-site: {len(TARGETS) - failed}/{len(TARGETS)} budgets met ({'PASS' if not failed else 'FAIL'})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
