"""MkDocs hooks for the condis-edu site (kept outside docs/ so mkdocs-jupyter never treats it as a notebook).

- Notebook outputs that carry a Mermaid diagram (``<pre class="mermaid">`` from the engine's
  ``_repr_html_``) become ``<div class="condis-mermaid" data-mermaid-source="...">``. Material would
  otherwise render them into a closed shadow root and drop the source; the live runner renders these
  divs itself, at page load and for live outputs alike, so build-time and live diagrams can be compared.
  The source stays inside as a ``<pre>`` so the page still says something without JavaScript.
- Every notebook is also published as ``.ipynb`` next to its page, for download.
"""

from __future__ import annotations

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
