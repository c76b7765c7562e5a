"""Every notebook page, in Chromium: Run all live and get exactly what the build showed.

For each page we read what each code cell shows at build time, press "Run all", wait for the runner to
finish, and read the live output. Text is compared with whitespace folded; Mermaid diagrams by source.
Pyodide must not load before the first Run, and nothing may be fetched from outside the site's origin
(the ``page`` fixture fails the test otherwise). Foreign requests are also aborted, so a page that only
works online cannot pass by accident.
"""

from __future__ import annotations

import pytest
from conftest import LIVE_TIMEOUT_MS, RecordedPage, SiteServer, notebook_pages

STRUCTURE_ONLY = "# parity: structure"  # tests/docs/nbexec.py: cells that show measurements

# What a reader sees under each code cell, as data. Chrome (prompts, buttons) is left out; a diagram
# counts by its Mermaid source, not by its SVG.
SIGNATURE_JS = """
(which) => {
  const fold = (s) => s.replace(/\\s+/g, " ").trim();
  const read = (nodes) => {
    const diagrams = [];
    const texts = [];
    for (const node of nodes) {
      const copy = node.cloneNode(true);
      for (const d of copy.querySelectorAll(".condis-mermaid")) {
        diagrams.push(d.getAttribute("data-mermaid-source"));
        d.replaceChildren();
      }
      for (const chrome of copy.querySelectorAll(".jp-OutputPrompt, button")) chrome.remove();
      texts.push(copy.textContent);
    }
    return { text: fold(texts.join(" ")), diagrams };
  };
  return [...document.querySelectorAll("[data-condis-cell]")]
    .sort((a, b) => +a.dataset.condisCell - +b.dataset.condisCell)
    .map((cell) => which === "source"
      ? (cell.querySelector(".clipboard-copy-txt")?.textContent ?? "")
      : which === "static"
      ? read(cell.querySelectorAll(".jp-Cell-outputWrapper .jp-OutputArea-output"))
      : { ...read(cell.querySelectorAll(".condis-output")),
          state: cell.querySelector(".condis-output")?.dataset.state ?? null });
}
"""

PAGES = notebook_pages()


def test_site_has_notebook_pages() -> None:
    assert PAGES, "the built site has no notebook pages"


@pytest.mark.parametrize("path", PAGES)
def test_run_all_reproduces_build_time_output(page: RecordedPage, site_server: SiteServer, path: str) -> None:
    p = page.page
    p.context.route(
        "**/*",
        lambda route: route.continue_() if route.request.url.startswith(page.origin) else route.abort(),
    )
    p.goto(site_server.base_url + path)
    p.wait_for_selector("[data-condis-cell]")
    static = p.evaluate(SIGNATURE_JS, "static")
    sources = p.evaluate(SIGNATURE_JS, "source")
    assert static, f"{path}: the runner marked no code cells"
    assert any(cell["text"] or cell["diagrams"] for cell in static), f"{path}: no build-time output at all"
    assert not [u for u in page.requests if "/pyodide/" in u], "Pyodide was fetched before any Run"

    p.get_by_role("button", name="Run all", exact=True).click()
    p.wait_for_selector('.condis-toolbar[data-condis-run-all="done"]', timeout=LIVE_TIMEOUT_MS)
    live = p.evaluate(SIGNATURE_JS, "live")

    assert [c["state"] for c in live] == ["done"] * len(static), f"{path}: not every cell ran cleanly"
    for index, (want, got) in enumerate(zip(static, live, strict=True)):
        if sources[index].lstrip().startswith(STRUCTURE_ONLY):  # a measurement: same shape, other numbers
            assert len(got["diagrams"]) == len(want["diagrams"]), f"{path} cell {index}: diagrams differ"
            assert bool(got["text"]) == bool(want["text"]), f"{path} cell {index}: output appeared or vanished"
            continue
        assert got["diagrams"] == want["diagrams"], f"{path} cell {index}: live diagrams differ"
        assert got["text"] == want["text"], f"{path} cell {index}: live output differs from the build"
    assert any("/pyodide/pyodide.asm.wasm" in u for u in page.requests), "the live run did not use the site's Pyodide"
    wheels = [u for u in page.requests if u.endswith(".whl") and "condis_edu" in u]
    assert wheels, "condis-edu was not loaded from the site"


def test_theme_fonts_come_from_the_site(page: RecordedPage, site_server: SiteServer) -> None:
    """Material's Roboto and Roboto Mono are served by the site itself (no font CDN)."""
    p = page.page
    p.goto(site_server.base_url + "notebooks/01-first-miniport/")
    p.wait_for_selector("[data-condis-cell]")
    loaded = p.evaluate(
        "async () => { await document.fonts.ready;"
        " return [...new Set([...document.fonts].filter(f => f.status === 'loaded')"
        ".map(f => f.family.replace(/\"/g, '')))].sort(); }"
    )
    assert "Roboto" in loaded and "Roboto Mono" in loaded, loaded
    family = p.evaluate("getComputedStyle(document.querySelector('.md-typeset')).fontFamily")
    assert family.startswith('"Roboto"') or family.startswith("Roboto"), family
    fonts = [u for u in page.requests if u.endswith(".woff2")]
    assert fonts and all(u.startswith(page.origin + "/fonts/") for u in fonts), fonts
