"""A view of a built site with a few files added or replaced, without copying the site.

The view is a directory of symbolic links to the site's top-level entries (the server follows them),
with real files where the view differs. ``tools/bench_site.py`` adds its bare Pyodide page this way,
and the browser tier builds a "rebuilt" site from the built one.
"""

from __future__ import annotations

import shutil
from pathlib import Path


def make_view(site: Path, target: Path, files: dict[str, bytes]) -> Path:
    """Link ``site`` into ``target`` and write ``files`` (site-relative path -> bytes) over it.

    A replaced file's ``.gz`` sibling is left out of the view, so the server sends the new bytes.
    Directories on a replaced file's path become real directories whose other entries are links.
    """
    site = site.resolve()
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for entry in site.iterdir():
        (target / entry.name).symlink_to(entry)
    for rel, data in files.items():
        parts = Path(rel).parts
        here = target
        for name in parts[:-1]:
            here = here / name
            if here.is_symlink():
                real = here.resolve()
                here.unlink()
                here.mkdir()
                for entry in real.iterdir():
                    (here / entry.name).symlink_to(entry)
            here.mkdir(exist_ok=True)
        path = here / parts[-1]
        for stale in (path, path.with_name(path.name + ".gz")):
            if stale.is_symlink() or stale.exists():
                stale.unlink()
        path.write_bytes(data)
    return target
