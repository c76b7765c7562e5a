"""MkDocs hooks for the condis-edu site (kept outside docs/ so mkdocs-jupyter never treats it as a notebook).

- Notebook outputs that carry a Mermaid diagram (``<pre class="mermaid">`` from the engine's
  ``_repr_html_``) become ``<div class="condis-mermaid" data-mermaid-source="...">``. Material would
  otherwise render them into a closed shadow root and drop the source; the live runner renders these
  divs itself, at page load and for live outputs alike, so build-time and live diagrams can be compared.
  The source stays inside as a ``<pre>`` so the page still says something without JavaScript.
- Every notebook is also published as ``.ipynb`` next to its page, for download
  (``overrides/partials/actions.html`` shows the download buttons).
- ``nav`` entries in mkdocs.yml may be glob patterns (``rules/*.md``): each expands to the matching
  pages in file-name order, minus pages the nav already names. Folders whose pages are generated
  (verifier rule families, API pages) then join the navigation without anyone editing mkdocs.yml.
"""

from __future__ import annotations

import fnmatch
import html
import re
from pathlib import Path
from typing import Any

_MERMAID_PRE = re.compile(r'<pre class="mermaid">(.*?)</pre>', re.S)


def _is_notebook(page: Any) -> bool:
    src = page.file.src_uri
    return bool(src.startswith("notebooks/") and src.endswith((".py", ".ipynb")))


def _diagram(match: re.Match[str]) -> str:
    source = html.unescape(match.group(1))
    attr = html.escape(source, quote=True)
    return (
        f'<div class="condis-mermaid" data-mermaid-source="{attr}">'
        f'<pre class="condis-mermaid-fallback">{html.escape(source, quote=False)}</pre></div>'
    )


def rewrite_notebook_diagrams(output: str) -> str:
    """Replace every ``pre.mermaid`` inside notebook output areas (not the page's own fences)."""
    start = output.find('class="jupyter-wrapper"')
    if start < 0:
        return output
    return output[:start] + _MERMAID_PRE.sub(_diagram, output[start:])


_GLOB = re.compile(r"[*?\[]")


def _named(nav: Any) -> set[str]:
    """Every page path the nav names literally (not through a pattern)."""
    if isinstance(nav, str):
        return set() if _GLOB.search(nav) else {nav}
    if isinstance(nav, dict):
        return set().union(*(_named(v) for v in nav.values())) if nav else set()
    if isinstance(nav, list):
        return set().union(*(_named(v) for v in nav)) if nav else set()
    return set()


def expand_nav_globs(nav: Any, pages: list[str], named: set[str] | None = None) -> Any:
    """Replace glob entries of a nav tree by the matching ``pages``; drop entries left empty.

    A page appears once: literal entries win, then the first pattern that matches it. A titled
    pattern (``{"Harness": "reference/harness*.md"}``) matching one page stays a titled page, so
    a page that does not exist yet simply has no nav entry until it does.

    >>> pages = ["rules/vc.md", "rules/index.md", "rules/af.md", "index.md", "reference/h.md"]
    >>> expand_nav_globs([{"Rules": ["rules/index*.md", "rules/*.md"]}, {"H": "reference/h*.md"},
    ...                   {"Q": "reference/q*.md"}], pages)
    [{'Rules': ['rules/index.md', 'rules/af.md', 'rules/vc.md']}, {'H': 'reference/h.md'}]
    """
    named = _named(nav) if named is None else named

    def matches(pattern: str) -> list[str]:
        found = [p for p in sorted(pages) if fnmatch.fnmatch(p, pattern) and p not in named]
        named.update(found)
        return found

    if isinstance(nav, list):
        out: list[Any] = []
        for item in nav:
            if isinstance(item, str) and _GLOB.search(item):
                out.extend(matches(item))
                continue
            expanded = expand_nav_globs(item, pages, named)
            if expanded not in ([], {}):
                out.append(expanded)
        return out
    if isinstance(nav, dict):
        result: dict[str, Any] = {}
        for key, value in nav.items():
            if isinstance(value, str) and _GLOB.search(value):
                found = matches(value)
                expanded: Any = found[0] if len(found) == 1 else found
            else:
                expanded = expand_nav_globs(value, pages, named)
            if expanded not in ([], {}):
                result[key] = expanded
        return result
    return nav


def on_config(config: Any) -> Any:
    if config.get("nav"):
        docs = Path(config["docs_dir"])
        found = [*docs.rglob("*.md"), *(docs / "notebooks").glob("*.py")]
        pages = [p.relative_to(docs).as_posix() for p in found]
        config["nav"] = expand_nav_globs(config["nav"], pages)
    return config


def on_post_page(output: str, page: Any, config: Any) -> str:
    if _is_notebook(page):
        return rewrite_notebook_diagrams(output)
    return output


def on_post_build(config: Any) -> None:
    import jupytext  # build-time dependency only

    docs = Path(config["docs_dir"])
    site = Path(config["site_dir"])
    for source in sorted((docs / "notebooks").glob("*.py")):
        target = site / "notebooks" / source.stem / f"{source.stem}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        jupytext.write(jupytext.read(source), target, fmt="ipynb")
