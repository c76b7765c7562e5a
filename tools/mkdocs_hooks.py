"""MkDocs hooks for the condis-edu site (kept outside docs/ so mkdocs-jupyter never treats it as a notebook).

- Notebook outputs that carry a Mermaid diagram (``<pre class="mermaid">`` from the engine's
  ``_repr_html_``) become ``<div class="condis-mermaid" data-mermaid-source="...">``. Material would
  otherwise render them into a closed shadow root and drop the source; the live runner renders these
  divs itself, at page load and for live outputs alike, so build-time and live diagrams can be compared.
  The source stays inside as a ``<pre>`` so the page still says something without JavaScript.
- Links that engine output makes to pages of this site (a bug check's rule page) carry the page's
  path from the site's root in ``data-condis-site-href``; their ``href`` is rewritten relative to
  the page that shows them, so they work without JavaScript and under any sub-path.
- The rule pages are generated from the verifier's catalogue, and generating them runs each rule's
  examples; the build stops when ``docs/rules`` differs from what the generator writes now.
- Every notebook is also published as ``.ipynb`` next to its page, for download
  (``overrides/partials/actions.html`` shows the download buttons).
- The playground page gets the package's catalogue of examples (``condis_edu.scenarios.as_json()``)
  as JSON in a hidden element's attribute, so its picker offers exactly the scripts the test tiers run.
- Every page gets the progress catalogue (``condis_edu.exercises.progress_items()``, plus each
  notebook's page and nav title), the same way: the navigation badges, the course page and the
  progress page (web/progress.js) count what the reader did against what the package defines.
- ``nav`` entries in mkdocs.yml may be glob patterns (``rules/*.md``): each expands to the matching
  pages in file-name order, minus pages the nav already names. Folders whose pages are generated
  (verifier rule families, API pages) then join the navigation without anyone editing mkdocs.yml.
"""

from __future__ import annotations

import fnmatch
import html
import json
import re
from pathlib import Path
from typing import Any

from docgen.rule_pages import stale_pages  # tools/ is on sys.path while MkDocs loads this module
from mkdocs.exceptions import PluginError
from mkdocs.utils import get_relative_url

_MERMAID_PRE = re.compile(r'<pre class="mermaid">(.*?)</pre>', re.S)


def _is_notebook(page: Any) -> bool:
    src = page.file.src_uri
    return bool(src.startswith("notebooks/") and src.endswith((".py", ".ipynb")))


def _diagram(match: re.Match[str]) -> str:
    source = html.unescape(match.group(1))
    if source.startswith("\n"):  # an HTML parser drops one newline right after <pre>; so do we
        source = source[1:]
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


_SITE_LINK_TAG = re.compile(r'<a\b[^>]*\bdata-condis-site-href="([^"]*)"[^>]*>')
_HREF = re.compile(r'(?<![\w-])href="[^"]*"')


def resolve_site_links(output: str, page_url: str) -> str:
    """Point every ``data-condis-site-href`` link at its target relative to the page at *page_url*.

    Attribute order does not matter (nbconvert's sanitizer sorts them).

    >>> a = '<a data-condis-site-href="rules/vc/#r2-09" href="rules/vc/#r2-09">R2.09</a>'
    >>> resolve_site_links(a, "notebooks/03-creating-a-vc/")
    '<a data-condis-site-href="rules/vc/#r2-09" href="../../rules/vc/#r2-09">R2.09</a>'
    >>> resolve_site_links(a, "") == a
    True
    """

    def relative(match: re.Match[str]) -> str:
        target = html.unescape(match.group(1))
        href = html.escape(get_relative_url(target, page_url or "."), quote=True)
        return _HREF.sub(f'href="{href}"', match.group(0), count=1)

    return _SITE_LINK_TAG.sub(relative, output)


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


def on_pre_build(config: Any) -> None:
    """Rule pages are generated, and generating them runs their examples: a stale page stops the build."""
    stale = stale_pages(Path(config["docs_dir"]) / "rules")
    if stale:
        names = ", ".join(stale)
        raise PluginError(f"docs/rules is stale ({names}): run python tools/docgen/rule_pages.py docs/rules")


def on_config(config: Any) -> Any:
    if config.get("nav"):
        docs = Path(config["docs_dir"])
        found = [*docs.rglob("*.md"), *(docs / "notebooks").glob("*.py")]
        pages = [p.relative_to(docs).as_posix() for p in found]
        config["nav"] = expand_nav_globs(config["nav"], pages)
    return config


# Outputs, and the copies of each cell's code that only serve the copy button and the runner (the
# highlighted code itself stays searchable).
_NOT_SEARCHED = (
    '<div class="jp-Cell-outputWrapper">',
    '<div class="zeroclipboard-container">',
    '<div class="clipboard-copy-txt"',
    '<div class="jp-InputPrompt jp-InputArea-prompt">',
)


PLAYGROUND_PAGE = "playground.md"
PLAYGROUND_DATA_ID = "condis-playground-scenarios"


def playground_data() -> str:
    """The hidden element whose ``data-scenarios`` JSON the playground's picker reads (web/playground.js).

    Not a ``<script type="application/json">``: Material's instant navigation (a link, Back, or a new
    ``#code=`` link opened on the page) re-creates inline scripts without their attributes.
    """
    from condis_edu.scenarios import as_json  # the package being documented, from src/

    data = html.escape(as_json(), quote=True)
    return f'<div id="{PLAYGROUND_DATA_ID}" hidden data-search-exclude data-scenarios="{data}"></div>'


PROGRESS_DATA_ID = "condis-progress-catalogue"
_NOTEBOOK_PAGE = re.compile(r"^notebooks/(?P<n>\d\d)-[^/]+\.(?:py|ipynb)$")
_progress_element: list[str] = []  # built once per build, in on_nav


def notebook_number(src_uri: str) -> int | None:
    """The number of a notebook page (``notebooks/03-creating-a-vc.py`` -> 3), or None.

    >>> notebook_number("notebooks/03-creating-a-vc.py"), notebook_number("learn/index.md")
    (3, None)
    """
    match = _NOTEBOOK_PAGE.match(src_uri)
    return int(match["n"]) if match else None


def progress_catalogue(notebooks: list[dict[str, Any]]) -> str:
    """The JSON the progress displays read: ``{"notebooks": [...], "items": [...]}``.

    ``notebooks`` are ``{"notebook", "url", "title"}`` (URLs relative to the site root); every item of
    ``progress_items()`` gets its notebook's ``page``. An item whose notebook has no page is an error.
    """
    from condis_edu.exercises import progress_items

    pages = {n["notebook"]: n["url"] for n in notebooks}
    items: list[dict[str, Any]] = []
    for item in progress_items():
        if item["notebook"] not in pages:
            raise ValueError(f"{item['id']}: notebook {item['notebook']} has no page in the navigation")
        items.append({**item, "page": pages[item["notebook"]]})
    data = {"notebooks": sorted(notebooks, key=lambda n: n["notebook"]), "items": items}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def on_nav(nav: Any, config: Any, files: Any) -> Any:
    notebooks = []
    for page in nav.pages:
        number = notebook_number(page.file.src_uri)
        if number is not None:
            notebooks.append({"notebook": number, "url": page.url, "title": page.title or page.url})
    # An attribute, not a <script type="application/json">: Material's instant navigation re-creates
    # inline scripts without their attributes, and would run the JSON as JavaScript.
    catalogue = html.escape(progress_catalogue(notebooks), quote=True)
    element = f'<div id="{PROGRESS_DATA_ID}" hidden data-search-exclude data-catalogue="{catalogue}"></div>'
    _progress_element[:] = [element]
    return nav


def progress_data() -> str:
    """The catalogue's element for a page (empty before ``on_nav`` ran)."""
    return "".join(_progress_element)


def on_page_content(html_text: str, page: Any, config: Any, files: Any) -> str:
    """Keep notebook outputs (long traces, tables) out of the search index: the prose and code stay.

    Material's search skips elements carrying ``data-search-exclude``; the index is what every page
    downloads before anything is run, so it is part of the page-weight budget.
    """
    html_text += progress_data()
    if page.file.src_uri == PLAYGROUND_PAGE:
        return html_text + playground_data()
    if not _is_notebook(page):
        return html_text
    for opening in _NOT_SEARCHED:
        marked = opening[:-1] + " data-search-exclude>" if opening.endswith(">") else opening + " data-search-exclude"
        html_text = html_text.replace(opening, marked)
    return html_text


_WARM_TAG = re.compile(r'<script src="([^"]*)js/condis-warm\.js"></script>')


def inline_warm_script(output: str, script: str) -> str:
    """Write the warm-start script (``web/warm.js``) into the page instead of linking to it.

    A returning reader's Python starts from this script, first thing in ``<head>``; inline it
    starts without waiting for a request. The site's root, which the linked file found from its
    own address, goes beside it (the tag's relative prefix).

    >>> page = '<head><script src="../../js/condis-warm.js"></script><title>x</title>'
    >>> inline_warm_script(page, "start()")
    '<head><script data-condis-root="../../">start()</script><title>x</title>'
    >>> inline_warm_script("<head></head>", "start()")
    '<head></head>'
    >>> inline_warm_script(page, "a('</script>')")
    Traceback (most recent call last):
    ...
    ValueError: the warm-start script contains </script> and cannot be written inline
    """
    if "</script" in script.lower():
        raise ValueError("the warm-start script contains </script> and cannot be written inline")
    return _WARM_TAG.sub(
        lambda match: f'<script data-condis-root="{match.group(1) or "./"}">{script}</script>', output, count=1
    )


def _warm_script(config: Any) -> str:
    """The built warm-start script (``make js`` writes it before the site is built)."""
    path = Path(config["docs_dir"]) / "js" / "condis-warm.js"
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: run `make js` (node tools/build_js.mjs) before building the site")
    return path.read_text(encoding="utf-8").strip()


def on_post_page(output: str, page: Any, config: Any) -> str:
    output = resolve_site_links(output, page.url)
    if _is_notebook(page):
        output = inline_warm_script(output, _warm_script(config))
        return prune_notebook_css(rewrite_notebook_diagrams(output))
    return output


def on_post_build(config: Any) -> None:
    import jupytext  # build-time dependency only

    docs = Path(config["docs_dir"])
    site = Path(config["site_dir"])
    for source in sorted((docs / "notebooks").glob("*.py")):
        target = site / "notebooks" / source.stem / f"{source.stem}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        jupytext.write(jupytext.read(source), target, fmt="ipynb")


# ---------------------------------------------------------------- notebook page weight
# mkdocs-jupyter inlines JupyterLab's whole stylesheet (~575 kB) into every notebook page. We keep a rule
# only if some selector in it can match: every class it names occurs in the page or is one the live runner
# adds (web/*.js). Custom properties on the wrapper are kept only when a kept rule uses them.
RUNNER_CLASSES = frozenset(
    {
        "jp-Cell", "jp-Cell-inputWrapper", "jp-Cell-outputWrapper", "jp-CodeCell", "jp-InputArea",
        "jp-OutputArea", "jp-OutputArea-output", "jp-OutputArea-child", "jp-RenderedHTML",
        "jp-RenderedHTMLCommon", "jp-RenderedImage", "jp-RenderedLatex", "jp-RenderedMarkdown",
        "jp-RenderedSVG", "jp-RenderedText",
    }
)  # fmt: skip
_STYLE = re.compile(r"(<style[^>]*>)(.*?)(</style>)", re.S)
_CLASS_ATTR = re.compile(r'class="([^"]*)"')
_CLASS_IN_SELECTOR = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
_VAR_USE = re.compile(r"var\(\s*(--[\w-]+)")


def _css_blocks(css: str) -> list[tuple[str, str | None]]:
    """Split CSS into top-level ``(prelude, body)`` pairs; statements like ``@charset`` have no body."""
    blocks: list[tuple[str, str | None]] = []
    i, n = 0, len(css)
    while i < n:
        brace, semi = css.find("{", i), css.find(";", i)
        if brace < 0 and semi < 0:
            break
        if semi >= 0 and (brace < 0 or semi < brace) and css[i:semi].lstrip().startswith("@"):
            blocks.append((css[i : semi + 1].strip(), None))
            i = semi + 1
            continue
        depth, j = 1, brace + 1
        while j < n and depth:
            depth += {"{": 1, "}": -1}.get(css[j], 0)
            j += 1
        blocks.append((css[i:brace].strip(), css[brace + 1 : j - 1]))
        i = j
    return blocks


def _selector_can_match(selector: str, classes: set[str]) -> bool:
    return all(c in classes for c in _CLASS_IN_SELECTOR.findall(selector))


def _prune_rules(css: str, classes: set[str]) -> list[tuple[str, str | None]]:
    kept: list[tuple[str, str | None]] = []
    for prelude, body in _css_blocks(css):
        if body is None or prelude.startswith(("@font-face", "@keyframes", "@-webkit-keyframes", "@page")):
            kept.append((prelude, body))
        elif prelude.startswith(("@media", "@supports", "@layer", "@container")):
            inner = _prune_rules(body, classes)
            if inner:
                kept.append((prelude, "".join(_render(b) for b in inner)))
        elif any(_selector_can_match(s, classes) for s in prelude.split(",")):
            kept.append((prelude, body))
    return kept


def _render(block: tuple[str, str | None]) -> str:
    prelude, body = block
    return prelude if body is None else f"{prelude}{{{body}}}"


def _split_declarations(body: str) -> list[str]:
    out, depth, start = [], 0, 0
    for k, ch in enumerate(body):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if ch == ";" and depth == 0:
            out.append(body[start:k])
            start = k + 1
    out.append(body[start:])
    return [d for d in out if d.strip()]


def _prune_custom_properties(blocks: list[tuple[str, str | None]]) -> list[tuple[str, str | None]]:
    """Drop ``--x: ...`` definitions that nothing kept refers to (followed through other definitions)."""
    definitions: dict[str, list[str]] = {}
    used: set[str] = set()
    for prelude, body in blocks:
        for decl in _split_declarations(body or ""):
            name, _, value = decl.partition(":")
            name = name.strip()
            if name.startswith("--"):
                definitions.setdefault(name, []).append(value)
            else:
                used.update(_VAR_USE.findall(decl))
        if body is None or prelude.startswith("@"):
            used.update(_VAR_USE.findall(body or ""))
    frontier = list(used)
    while frontier:
        for value in definitions.get(frontier.pop(), []):
            for ref in _VAR_USE.findall(value):
                if ref not in used:
                    used.add(ref)
                    frontier.append(ref)
    result: list[tuple[str, str | None]] = []
    for prelude, body in blocks:
        if body is None or prelude.startswith("@"):
            result.append((prelude, body))
            continue
        decls = [
            d for d in _split_declarations(body) if not d.strip().startswith("--") or d.split(":")[0].strip() in used
        ]
        if decls:
            result.append((prelude, ";".join(decls)))
    return result


def prune_notebook_css(output: str) -> str:
    """Shrink the inlined JupyterLab stylesheets of a notebook page to what the page can use.

    >>> page = ('<style>.jupyter-wrapper{--a:1;--b:var(--a);--c:2}.jupyter-wrapper .jp-Used{x:var(--b)}'
    ...         '.jp-Unused{y:1}@media (x){.jp-Unused{z:1}.jp-Used{z:2}}</style><div class="jupyter-wrapper jp-Used">')
    >>> prune_notebook_css(page).split("<div")[0]
    '<style>.jupyter-wrapper{--a:1;--b:var(--a)}.jupyter-wrapper .jp-Used{x:var(--b)}@media (x){.jp-Used{z:2}}</style>'
    """
    classes = set(RUNNER_CLASSES)
    for attr in _CLASS_ATTR.findall(output):
        classes.update(attr.split())

    def shrink(match: re.Match[str]) -> str:
        css = match.group(2)
        if "jp-" not in css and "jupyter-wrapper" not in css:
            return match.group(0)
        blocks = _prune_custom_properties(_prune_rules(css, classes))
        return match.group(1) + "".join(_render(b) for b in blocks) + match.group(3)

    return _STYLE.sub(shrink, output)
