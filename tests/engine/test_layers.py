"""The package's layers, read from the source: who may import whom.

The layer map is written out in ``docs/contributing.md`` ("Layers"); this test keeps the code
and the map in step. Imports are read with ``ast``, so nothing is executed.

Rules:

* an import at module level goes down the layers or stays in its own layer, never up;
* imports under ``if TYPE_CHECKING:`` may point anywhere (they are annotations), but they count
  for cycles like any other import;
* samples are drivers: they import ``condis_edu.ndis`` and other samples only (``lane_im``
  builds its lower edge from the client's code). A sample's ``app`` module stands for the
  user-mode application that talks to the harness: it may also import ``condis_edu.errors``
  and, under ``TYPE_CHECKING``, the ``Machine`` it is handed;
* nothing in the package imports ``tools`` (the docs generators live there);
* no import inside a function or a class body;
* no cycle among modules.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from condis_edu import ndis

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "condis_edu"
CONTRIBUTING = ROOT / "docs" / "contributing.md"

LAYERS: tuple[tuple[str, ...], ...] = (
    ("condis_edu.rendering",),
    ("condis_edu.errors",),
    ("condis_edu.mirror",),
    ("condis_edu.verifier",),
    ("condis_edu._library",),
    ("condis_edu.ndis",),
    ("condis_edu.harness",),
    ("condis_edu",),
    ("condis_edu.samples",),
    (
        "condis_edu.testing",
        "condis_edu.exercises",
        "condis_edu.scenarios",
        "condis_edu.bench",
        "condis_edu.charts",
    ),
)
"""Bottom first. A module belongs to the layer of its longest matching prefix."""

SAMPLES = "condis_edu.samples"
SAMPLE_APP_IMPORTS = ("condis_edu.errors",)
SAMPLE_APP_ANNOTATION_IMPORTS = ("condis_edu.harness.machine",)


@dataclass(slots=True)
class Module:
    """What one module imports, by kind."""

    name: str
    runtime: set[str] = field(default_factory=set)
    typing_only: set[str] = field(default_factory=set)
    nested: list[str] = field(default_factory=list)
    """``line: statement`` of every import inside a function or class body."""


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _targets(node: ast.Import | ast.ImportFrom, module: str, is_package: bool, known: set[str]) -> set[str]:
    """The modules an import statement loads (``from a import b`` is ``a.b`` when that is a module)."""
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names}
    base = node.module or ""
    if node.level:
        parts = module.split(".")
        keep = len(parts) - node.level + (1 if is_package else 0)
        base = ".".join(parts[:keep] + ([base] if base else []))
    found = set()
    for alias in node.names:
        sub = f"{base}.{alias.name}"
        found.add(sub if sub in known else base)
    return found


def read_module(name: str, source: str, is_package: bool, known: set[str]) -> Module:
    """Parse one module's imports."""
    result = Module(name)

    def visit(node: ast.AST, typing_only: bool, nested: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import | ast.ImportFrom):
                targets = _targets(child, name, is_package, known)
                if nested:
                    result.nested.append(f"{child.lineno}: {ast.unparse(child)}")
                (result.typing_only if typing_only else result.runtime).update(targets)
            elif isinstance(child, ast.If) and _is_type_checking(child.test):
                for stmt in child.body:
                    visit(ast.Module(body=[stmt], type_ignores=[]), True, nested)
                for stmt in child.orelse:
                    visit(ast.Module(body=[stmt], type_ignores=[]), typing_only, nested)
            elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda):
                visit(child, typing_only, True)
            else:
                visit(child, typing_only, nested)

    visit(ast.parse(source), False, False)
    return result


def read_package(root: Path) -> dict[str, Module]:
    """Every module under ``root`` (a package directory), by dotted name."""
    files: dict[str, tuple[Path, bool]] = {}
    for path in sorted(root.rglob("*.py")):
        parts = (root.name, *path.relative_to(root).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        files[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    known = set(files)
    return {
        name: read_module(name, path.read_text(encoding="utf-8"), is_package, known)
        for name, (path, is_package) in files.items()
    }


def layer_of(module: str) -> int | None:
    """Index in ``LAYERS`` of the longest prefix that names ``module``; None outside the package."""
    best: tuple[int, int] | None = None
    for index, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and (best is None or len(prefix) > best[1]):
                best = (index, len(prefix))
    return None if best is None else best[0]


def problems(modules: dict[str, Module]) -> list[str]:
    """Every broken rule, one line each (empty when the layering holds)."""
    found: list[str] = []
    for module in modules.values():
        found += [f"{module.name}: import inside a function or class, line {n}" for n in module.nested]
        for target in sorted(module.runtime | module.typing_only):
            if target == "tools" or target.startswith(("tools.", "docgen")):
                found.append(f"{module.name}: imports {target} (tools are not part of the package)")
        own = layer_of(module.name)
        if module.name == SAMPLES or module.name.startswith(SAMPLES + "."):
            is_app = module.name.endswith(".app")
            for target in sorted(module.runtime | module.typing_only):
                if not target.startswith("condis_edu"):
                    continue
                allowed = target == "condis_edu.ndis" or target.startswith(SAMPLES + ".")
                if is_app and (target in SAMPLE_APP_IMPORTS or target in SAMPLE_APP_ANNOTATION_IMPORTS):
                    allowed = allowed or target not in module.runtime or target in SAMPLE_APP_IMPORTS
                if not allowed:
                    found.append(f"{module.name}: a sample imports {target} (samples use condis_edu.ndis only)")
            continue
        for target in sorted(module.runtime):
            theirs = layer_of(target)
            if own is not None and theirs is not None and theirs > own:
                found.append(f"{module.name} (layer {LAYERS[own][0]}) imports {target} (layer {LAYERS[theirs][0]})")
    found += [f"import cycle: {' -> '.join(cycle)}" for cycle in cycles(modules)]
    return found


def cycles(modules: dict[str, Module]) -> list[list[str]]:
    """One cycle per strongly connected group of modules (runtime and TYPE_CHECKING imports)."""
    graph = {name: sorted(t for t in m.runtime | m.typing_only if t in modules and t != name) for name, m in modules.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    counter = 0

    def strongconnect(start: str) -> None:
        nonlocal counter
        work: list[tuple[str, int]] = [(start, 0)]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, i = work[-1]
            if i < len(graph[node]):
                work[-1] = (node, i + 1)
                nxt = graph[node][i]
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))

    for name in sorted(graph):
        if name not in index:
            strongconnect(name)
    return groups


# ------------------------------------------------------------------------------ the real package


def test_the_package_keeps_its_layers() -> None:
    modules = read_package(PACKAGE)
    assert len(modules) > 50, "the package was not found"
    assert problems(modules) == []


def test_every_ddi_lives_with_its_family() -> None:
    families = {getattr(ndis, name).__module__ for name in ndis.DDIS}
    assert len(ndis.DDIS) >= 80
    assert sorted(m for m in families if not m.startswith("condis_edu._library.ddi.")) == []


def test_every_top_level_entry_is_on_the_layer_map() -> None:
    text = CONTRIBUTING.read_text(encoding="utf-8")
    assert "\n## Layers\n" in text, "docs/contributing.md has no Layers section"
    section = text.split("\n## Layers\n", 1)[1].split("\n## ", 1)[0]
    on_map = set(re.findall(r"^\| `([^`]+)` \|", section, re.M))
    in_tree = {p.name + ("/" if p.is_dir() else "") for p in PACKAGE.iterdir() if p.name != "__pycache__"}
    assert sorted(in_tree - on_map) == [], "entries of src/condis_edu missing from the layer map"
    assert sorted(on_map - in_tree) == [], "the layer map names entries that are not in src/condis_edu"


# ------------------------------------------------------------------------------ the checker itself


def _synthetic(sources: dict[str, str]) -> dict[str, Module]:
    known = set(sources)
    return {name: read_module(name, text, name.count(".") == 0, known) for name, text in sources.items()}


def test_the_checker_accepts_a_clean_tree() -> None:
    modules = _synthetic(
        {
            "condis_edu.errors": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import condis_edu.verifier.core\n",
            "condis_edu.verifier.core": "",
            "condis_edu.mirror.status": "X = 1\n",
            "condis_edu._library.core": "from condis_edu.mirror.status import X\nfrom condis_edu import errors\n",
            "condis_edu.samples.client.bind": "from condis_edu.ndis import X\nfrom condis_edu.samples.client import state\n",
            "condis_edu.samples.client.state": "",
            "condis_edu.samples.client.app": (
                "from typing import TYPE_CHECKING\nfrom condis_edu.errors import UsageError\n"
                "if TYPE_CHECKING:\n    from condis_edu.harness.machine import Machine\n"
            ),
            "condis_edu.harness.machine": "",
            "condis_edu.ndis": "",
        }
    )
    assert problems(modules) == []


@pytest.mark.parametrize(
    ("sources", "expected"),
    [
        ({"condis_edu.mirror.status": "from condis_edu._library import core\n", "condis_edu._library.core": ""},
         "condis_edu.mirror.status (layer condis_edu.mirror) imports condis_edu._library.core"),
        ({"condis_edu._library.core": "import condis_edu.harness.machine\n", "condis_edu.harness.machine": ""},
         "condis_edu._library.core (layer condis_edu._library) imports condis_edu.harness.machine"),
        ({"condis_edu.errors": "def f() -> None:\n    from condis_edu import ndis\n"},
         "condis_edu.errors: import inside a function or class, line 2"),
        ({"condis_edu.samples.mcm.cm": "from condis_edu._library.headers import fill_header\n"},
         "condis_edu.samples.mcm.cm: a sample imports condis_edu._library.headers"),
        ({"condis_edu.samples.mcm.cm": "from condis_edu.testing import protocol_driver\n", "condis_edu.testing": ""},
         "condis_edu.samples.mcm.cm: a sample imports condis_edu.testing"),
        ({"condis_edu.samples.mcm.cm": "from condis_edu.errors import UsageError\n", "condis_edu.errors": ""},
         "condis_edu.samples.mcm.cm: a sample imports condis_edu.errors"),
        ({"condis_edu.samples.mcm.app": "from condis_edu.harness.machine import Machine\n",
          "condis_edu.harness.machine": ""},
         "condis_edu.samples.mcm.app: a sample imports condis_edu.harness.machine"),
        ({"condis_edu.charts": "import docgen.rule_pages\n"}, "condis_edu.charts: imports docgen.rule_pages"),
        ({"condis_edu.bench.a": "from condis_edu.bench import b\n", "condis_edu.bench.b": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from condis_edu.bench.a import X\n"},
         "import cycle: condis_edu.bench.a -> condis_edu.bench.b"),
    ],
)
def test_the_checker_catches_a_planted_mistake(sources: dict[str, str], expected: str) -> None:
    found = problems(_synthetic(sources))
    assert any(line.startswith(expected) for line in found), found
