"""Every notebook page offers its notebook for download, and both links serve the right file."""

from __future__ import annotations

import json

import pytest
from conftest import RecordedPage, SiteServer, notebook_pages

PAGES = notebook_pages()


@pytest.mark.parametrize("path", PAGES)
def test_download_links(page: RecordedPage, site_server: SiteServer, path: str) -> None:
    p = page.page
    p.goto(site_server.base_url + path)
    stem = path.rstrip("/").split("/")[-1]
    here = site_server.base_url + path
    links = {kind: p.locator(f'a[data-condis-download="{kind}"]').evaluate("a => a.href") for kind in ("ipynb", "py")}
    assert links == {"ipynb": f"{here}{stem}.ipynb", "py": f"{here}{stem}.py"}
    ipynb = p.request.get(links["ipynb"])
    assert ipynb.ok
    nb = json.loads(ipynb.text())
    assert nb["nbformat"] == 4 and any(c["cell_type"] == "code" for c in nb["cells"])
    source = p.request.get(links["py"])
    assert source.ok and source.text().startswith("# ---\n# jupyter:")
