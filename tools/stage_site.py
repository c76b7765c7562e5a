"""Put the runtime into the built site: Pyodide core, our wheel in a merged lock, Mermaid and MathJax.

Run after ``mkdocs build`` with the pyodide-build venv's Python (it needs the ``pyodide`` CLI)::

    .venv-pyodide/bin/python tools/stage_site.py --site site --dist dist

Steps (order matters):

1. copy the Pyodide core files from ``node_modules/pyodide`` to ``site/pyodide/``;
2. ``pyodide lockfile add-wheels`` on the ``py3-none-any`` wheel, producing a lock that lists only what
   the site actually serves (the npm package is core-only: every other entry would be a 404);
3. ``pyodide py-compile`` on the folder, which turns the wheel into ``cp313`` bytecode and rewrites the
   lock's file name and sha256; the wheel is then rewritten with its members stored (not deflated)
   and the lock's sha256 updated (``store_uncompressed``);
4. ``node tools/make_snapshot.mjs``: boot Python once, import condis-edu and save the heap as
   ``condis-snapshot.bin`` (+ ``.json``), which the worker restores instead of booting;
5. copy mermaid, MathJax (and its font) and the theme's Roboto fonts so no page fetches from a CDN;
6. ``node tools/make_sw.mjs``: the service worker (``sw.js``) with its precache list, made by
   workbox-build from the files now in the site;
7. write ``.gz`` siblings of text assets, the wasm, the snapshot and the wheel for servers that send
   precompressed files.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NODE = ROOT / "node_modules"
PYODIDE_CORE = (
    "pyodide.js",
    "pyodide.mjs",
    "pyodide.asm.js",
    "pyodide.asm.wasm",
    "python_stdlib.zip",
    "package.json",
)
# Our wheels only need the interpreter; keep the lock's package table to what we ship.
SHIPPED_PACKAGES = ("condis-edu",)


def run(*cmd: str | Path, cwd: Path | None = None) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, cwd=cwd)


def store_uncompressed(wheel: Path) -> str:
    """Rewrite ``wheel`` with its members stored, not deflated; return its new sha256.

    After restoring the heap snapshot the worker lays the wheel's files out in JavaScript
    (``web/wheel-files.js``): stored members are plain slices of the download, with no inflating on
    the worker's thread while Pyodide starts. The file still travels compressed (its ``.gz``
    sibling, smaller than the deflated wheel) and is an ordinary wheel for Pyodide's own loader.
    """
    with zipfile.ZipFile(wheel) as source:
        members = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_STORED) as target:
        for info, data in members:
            stored = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            stored.external_attr = info.external_attr
            target.writestr(stored, data, compress_type=zipfile.ZIP_STORED)
    return hashlib.sha256(wheel.read_bytes()).hexdigest()


def stage_pyodide(site: Path, dist: Path, work: Path) -> None:
    target = site / "pyodide"
    target.mkdir(parents=True, exist_ok=True)
    for name in PYODIDE_CORE:
        shutil.copy2(NODE / "pyodide" / name, target / name)

    wheels = sorted(dist.glob("*-py3-none-any.whl"))
    if not wheels:
        sys.exit(f"no py3-none-any wheel in {dist}; run `make wheel` first")

    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    # Start from the npm lock with its package table emptied: the npm package ships none of them.
    npm_lock = json.loads((NODE / "pyodide" / "pyodide-lock.json").read_text())
    npm_lock["packages"] = {}
    (work / "core-lock.json").write_text(json.dumps(npm_lock))
    for wheel in wheels:
        shutil.copy2(wheel, work / wheel.name)
    pyodide = Path(sys.executable).with_name("pyodide")
    run(
        pyodide, "lockfile", "add-wheels",
        "--input", "core-lock.json", "--output", "pyodide-lock.json", "--base-path", ".",
        *[w.name for w in wheels],
        cwd=work,
    )
    run(pyodide, "py-compile", ".", cwd=work)

    lock = json.loads((work / "pyodide-lock.json").read_text())
    for entry in lock["packages"].values():
        entry["sha256"] = store_uncompressed(work / entry["file_name"])
    (work / "pyodide-lock.json").write_text(json.dumps(lock))
    names = set(lock["packages"])
    missing = set(SHIPPED_PACKAGES) - names
    if missing:
        sys.exit(f"merged lock lacks {sorted(missing)}: {sorted(names)}")
    for entry in lock["packages"].values():
        if not (work / entry["file_name"]).exists():
            sys.exit(f"lock names {entry['file_name']} but py-compile did not produce it")
        shutil.copy2(work / entry["file_name"], target / entry["file_name"])
    (work / "core-lock.json").unlink()
    shutil.copy2(work / "pyodide-lock.json", target / "pyodide-lock.json")
    version = json.loads((NODE / "pyodide" / "package.json").read_text())["version"]
    print(f"staged Pyodide {version} (Python {npm_lock['info']['python']}) with {sorted(names)}")
    run("node", ROOT / "tools" / "make_snapshot.mjs", target, cwd=ROOT)


def stage_js(site: Path) -> None:
    js = site / "js"
    js.mkdir(parents=True, exist_ok=True)
    shutil.copy2(NODE / "mermaid" / "dist" / "mermaid.min.js", js / "mermaid.min.js")
    mathjax = js / "mathjax"
    if mathjax.exists():
        shutil.rmtree(mathjax)
    # Only what tex-mml-chtml needs at run time: the component, its input/output jax, a11y and the SRE speech data.
    shutil.copytree(NODE / "mathjax", mathjax, ignore=shutil.ignore_patterns("*.md", "package.json", "LICENSE"))
    fonts = js / "mathjax-fonts" / "mathjax-newcm-font"
    if fonts.exists():
        shutil.rmtree(fonts)
    shutil.copytree(NODE / "@mathjax" / "mathjax-newcm-font" / "chtml", fonts / "chtml")


# The wasm (8.6 MB -> 2.8 MB) and the heap snapshot (25 MB -> 5.9 MB) are what the first Run
# downloads; gzip keeps that under its 15 MB budget, and Chromium still compiles the wasm as it streams.
COMPRESSIBLE = (
    ".html", ".js", ".mjs", ".css", ".json", ".xml", ".svg", ".txt", ".map", ".ipynb", ".py",
    ".wasm", ".bin", ".whl",
)


def precompress(site: Path) -> None:
    """Write a ``.gz`` beside every text asset, as static hosts serve them (nginx ``gzip_static``).

    ``tools/serve.py`` sends the ``.gz`` with ``Content-Encoding: gzip`` to browsers that accept it.
    MathJax's thousands of small files are skipped: they load only on pages with TeX.
    """
    count = saved = 0
    for path in sorted(site.rglob("*")):
        if not path.is_file() or path.suffix not in COMPRESSIBLE or "mathjax" in path.parts:
            continue
        data = path.read_bytes()
        packed = gzip.compress(data, compresslevel=9, mtime=0)  # mtime=0: the same bytes every build
        if len(packed) < len(data) * 0.9:
            path.with_name(path.name + ".gz").write_bytes(packed)
            count += 1
            saved += len(data) - len(packed)
    print(f"precompressed {count} files ({saved / 1e6:.1f} MB less to send)")


FONTS = {
    "@fontsource/roboto": ("400-normal", "400-italic", "500-normal", "700-normal"),
    "@fontsource/roboto-mono": ("400-normal", "700-normal"),
}


def stage_fonts(site: Path) -> None:
    """Material's theme fonts, from npm, for docs/css/fonts.css (latin subset, woff2)."""
    target = site / "fonts"
    target.mkdir(parents=True, exist_ok=True)
    for package, styles in FONTS.items():
        family = package.split("/")[1]
        for style in styles:
            name = f"{family}-latin-{style}.woff2"
            shutil.copy2(NODE / package / "files" / name, target / name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=ROOT / "site")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "lock")
    args = parser.parse_args()
    if not (args.site / "index.html").exists():
        sys.exit(f"{args.site} has no index.html: run mkdocs build first")
    stage_pyodide(args.site, args.dist, args.work)
    stage_js(args.site)
    stage_fonts(args.site)
    run("node", ROOT / "tools" / "make_sw.mjs", args.site, cwd=ROOT)
    precompress(args.site)


if __name__ == "__main__":
    main()
