"""Every ```python block in docs/**/*.md runs, and prints what the page says it prints.

Conventions (docs/contributing.md has the author's view):

- Blocks of one page run in order in one namespace, as a reader pasting them in order would.
- A block shows what it prints as ``#>`` lines (the pytest-examples convention)::

      print(status_name(0x103))
      #> NDIS_STATUS_PENDING

  When a block has ``#>`` lines, its stdout must equal them exactly. A block without them still
  runs (and must not raise); what it prints is not checked, because the page does not show it.
- A block is skipped only when its title says so, with a reason the reader sees:
  ```` ```python title="Not run: needs a Windows kernel" ````. ``text``, ``c``, ``mermaid`` and other
  fences are never run.
- Pages under ``docs/includes/`` are fragments, not pages, and are not scanned.
"""

from __future__ import annotations

import contextlib
import io
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
RUN_LANGS = {"python", "py", "python3"}
_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})\s*\{?\s*\.?(?P<lang>[\w+-]*)(?P<info>[^`]*)$")
_SKIP = re.compile(r'title\s*=\s*"not run', re.IGNORECASE)


@dataclass(frozen=True)
class Block:
    page: str
    line: int  # 1-based line of the opening fence
    lang: str
    info: str
    source: str

    @property
    def runs(self) -> bool:
        return self.lang.lower() in RUN_LANGS and not _SKIP.search(self.info)

    @property
    def expected_output(self) -> str | None:
        """The ``#>`` lines as the text they claim was printed, or None when there are none."""
        lines = [ln.strip() for ln in self.source.splitlines() if ln.strip().startswith("#>")]
        if not lines:
            return None
        return "".join(ln[2:].removeprefix(" ") + "\n" for ln in lines)


def extract_blocks(text: str, page: str = "<text>") -> list[Block]:
    """Fenced code blocks of a Markdown text, including ones indented inside admonitions or tabs."""
    blocks: list[Block] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        m = _OPEN.match(lines[i])
        if not m:
            i += 1
            continue
        indent, fence = m["indent"], m["fence"]
        closing = re.compile(rf"^{re.escape(indent)}{fence[0]}{{{len(fence)},}}\s*$")
        body: list[str] = []
        j = i + 1
        while j < len(lines) and not closing.match(lines[j]):
            body.append(lines[j][len(indent) :] if lines[j].startswith(indent) else lines[j].lstrip())
            j += 1
        if j == len(lines):
            raise ValueError(f"{page}:{i + 1}: code fence is never closed")
        blocks.append(Block(page, i + 1, m["lang"], m["info"], textwrap.dedent("\n".join(body)) + "\n"))
        i = j + 1
    return blocks


def run_block(block: Block, namespace: dict[str, object]) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(block.source, f"{block.page}:{block.line}", "exec"), namespace)
    return out.getvalue()


def pages() -> list[Path]:
    return sorted(p for p in DOCS.rglob("*.md") if "includes" not in p.relative_to(DOCS).parts)


PAGES = pages()


# ---------------------------------------------------------------- the extractor itself

SAMPLE = """\
# Title

```python
x = 40
print(x + 2)
#> 42
```

!!! note
    ```python title="Not run: illustration only"
    import windows_kernel
    ```

=== "Tab"

    ```py
    print("a")
    print("b")
    #> a
    #> b
    ```

```c
NDIS_STATUS Status;
```

````markdown
```python
this is shown, not run
```
````
"""


def test_extractor_finds_nested_and_skipped_blocks() -> None:
    blocks = extract_blocks(SAMPLE)
    assert [(b.lang, b.runs) for b in blocks] == [
        ("python", True),
        ("python", False),
        ("py", True),
        ("c", False),
        ("markdown", False),
    ]
    assert blocks[2].source == 'print("a")\nprint("b")\n#> a\n#> b\n'
    assert blocks[0].expected_output == "42\n"


def test_runner_compares_printed_output() -> None:
    ns: dict[str, object] = {}
    first, _, third, *_ = extract_blocks(SAMPLE)
    assert run_block(first, ns) == first.expected_output
    assert run_block(third, ns) == third.expected_output
    wrong = Block("p", 1, "python", "", "print(1)\n#> 2\n")
    assert run_block(wrong, ns) != wrong.expected_output


def test_unclosed_fence_is_an_error() -> None:
    with pytest.raises(ValueError, match="never closed"):
        extract_blocks("```python\nprint(1)\n")


# ---------------------------------------------------------------- the site's pages


def test_docs_has_pages() -> None:
    assert PAGES


@pytest.mark.parametrize("page", PAGES, ids=[p.relative_to(DOCS).as_posix() for p in PAGES])
def test_page_code_blocks_run(page: Path) -> None:
    rel = page.relative_to(DOCS).as_posix()
    namespace: dict[str, object] = {"__name__": "__main__"}
    for block in extract_blocks(page.read_text(encoding="utf-8"), rel):
        if not block.runs:
            continue
        printed = run_block(block, namespace)
        expected = block.expected_output
        if expected is not None:
            assert printed == expected, f"{rel}:{block.line}: printed output differs from the #> lines"
