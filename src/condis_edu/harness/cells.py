"""Running a notebook cell the way a Jupyter (IPython) kernel does, with no dependencies.

This is the one cell executor of the project: the browser's Pyodide worker runs the reader's cells
with it (through :func:`run_live`), and the test tiers run every notebook with it
(``tests/docs/nbexec.py``, in CPython and in Pyodide) to compare what each cell shows with what a
real kernel showed when the site was built. It is not part of the simulation; it lives in the
package because the package is what every one of those places already loads.

What it copies from IPython:

* the last statement of a cell, when it is an expression, is displayed through its rich
  representation (``_repr_html_``, ``_repr_markdown_``...) unless its value is ``None`` or the
  cell's last token is ``;`` (comments and blank lines after the ``;`` do not count), exactly as
  IPython's display hook decides;
* ``display(obj)`` shows objects under the cell, and ``_`` holds the last displayed value;
* top-level ``await`` works (in the browser; the synchronous :func:`run_cell` accepts it as long as
  nothing really has to wait).

What a cell shows is reported as messages (plain dicts, JSON-ready), in order:

* ``{"type": "stream", "name": "stdout" | "stderr", "text": str}``
* ``{"type": "display" | "result", "data": {mime: str}}``
* ``{"type": "error", "ename": str, "evalue": str, "traceback": str, "html"?: str}``: ``html`` is
  there when the exception has a ``_repr_html_`` (condis bug checks do); ``traceback`` is always the
  plain-text form, trimmed to the reader's own code.

>>> shown: list[Message] = []
>>> ns = new_namespace()
>>> run_cell("x = 6\\nx * 7", ns, label="cell 1", emit=shown.append).status
'ok'
>>> shown
[{'type': 'result', 'data': {'text/plain': '42'}}]
>>> shown.clear()
>>> run_cell("x;  # hidden, as in Jupyter", ns, label="cell 2", emit=shown.append).status
'ok'
>>> shown
[]
"""

from __future__ import annotations

import ast
import base64
import builtins
import importlib.util
import io
import json
import linecache
import re
import sys
import time
import tokenize
import traceback
import types
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, Literal

__all__ = [
    "Message",
    "Outcome",
    "display",
    "forget",
    "format_error",
    "install_ipython_shim",
    "mimebundle",
    "namespace",
    "new_namespace",
    "run_cell",
    "run_live",
    "semicolon_at_end",
]

Message = dict[str, Any]
Emit = Callable[[Message], object]
Status = Literal["ok", "error", "interrupted"]

OUTPUT_LIMIT = 2_000_000  # characters of stream output per cell before truncation
FLUSH_INTERVAL_S = 0.02  # a chatty cell's prints reach the page at most this often (batching only)
FLUSH_SIZE = 65536

_RICH = (
    ("text/html", "_repr_html_"),
    ("text/markdown", "_repr_markdown_"),
    ("image/svg+xml", "_repr_svg_"),
    ("image/png", "_repr_png_"),
    ("image/jpeg", "_repr_jpeg_"),
    ("text/latex", "_repr_latex_"),
    ("application/json", "_repr_json_"),
)


@dataclass(frozen=True)
class Outcome:
    """How a cell ended; ``error`` is the exception it raised (``None`` when it finished)."""

    status: Status
    error: BaseException | None = None


# ---------------------------------------------------------------- what a cell prints
class _Streams:
    """stdout and stderr of one cell: batched, in order, and capped at :data:`OUTPUT_LIMIT` characters.

    Text of one stream is gathered until the other stream writes, a rich output is shown, the batch
    grows large or :data:`FLUSH_INTERVAL_S` has passed; the clock only decides when to send, never what.
    """

    def __init__(self, emit: Emit) -> None:
        self._emit = emit
        self._name = ""
        self._parts: list[str] = []
        self._pending = 0
        self._last = 0.0  # the first text is sent at once
        self._left = OUTPUT_LIMIT

    def write(self, name: str, s: str) -> None:
        if not s or self._left <= 0:
            return
        if len(s) > self._left:
            s = s[: self._left] + f"\n[output truncated after {OUTPUT_LIMIT:,} characters]\n"
            self._left = 0
        else:
            self._left -= len(s)
        if name != self._name:
            self.flush()
            self._name = name
        self._parts.append(s)
        self._pending += len(s)
        if self._pending > FLUSH_SIZE or time.monotonic() - self._last >= FLUSH_INTERVAL_S:
            self.flush()

    def flush(self) -> None:
        if self._parts:
            text = "".join(self._parts)
            self._parts, self._pending = [], 0
            self._emit({"type": "stream", "name": self._name, "text": text})
        self._last = time.monotonic()


class _Writer(io.TextIOBase):
    """``sys.stdout`` or ``sys.stderr`` while a cell runs."""

    def __init__(self, streams: _Streams, name: str) -> None:
        self._streams = streams
        self._name = name
        self.name = name

    encoding = "utf-8"

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def write(self, s: str) -> int:
        if not isinstance(s, str):
            raise TypeError(f"write() argument must be str, not {type(s).__name__}")
        self._streams.write(self._name, s)
        return len(s)

    def flush(self) -> None:
        pass  # batching is the runner's business; text is never lost


# ---------------------------------------------------------------- rich display
def _method(obj: object, name: str) -> Callable[[], Any] | None:
    # Like IPython: never call rich-repr methods on classes, nor on objects that answer any attribute.
    if isinstance(obj, type):
        return None
    try:
        if getattr(obj, "_ipython_canary_method_should_not_exist_", None) is not None:
            return None
        found = getattr(obj, name, None)
    except Exception:
        return None
    return found if callable(found) else None


def mimebundle(obj: object, warn: Emit | None = None) -> dict[str, str]:
    """Every format ``obj`` offers, as strings (binary formats base64), ``text/plain`` always included.

    A ``_repr_*_`` method that raises is skipped (``warn`` hears about it on stderr), as IPython does.
    """
    data: dict[str, Any] = {}
    bundle = _method(obj, "_repr_mimebundle_")
    if bundle is not None:
        try:
            got = bundle()
            if isinstance(got, tuple):
                got = got[0]
            if isinstance(got, dict):
                data.update(got)
        except Exception as exc:
            if warn is not None:
                warn({"type": "stream", "name": "stderr", "text": f"_repr_mimebundle_ failed: {exc!r}\n"})
    for mime, name in _RICH:
        if mime in data:
            continue
        method = _method(obj, name)
        if method is None:
            continue
        try:
            value = method()
        except Exception as exc:  # a broken _repr_ should not hide the value
            if warn is not None:
                warn({"type": "stream", "name": "stderr", "text": f"{name} failed: {exc!r}\n"})
            continue
        if isinstance(value, tuple):
            value = value[0]
        if value is not None:
            data[mime] = value
    if "text/plain" not in data:
        data["text/plain"] = repr(obj)
    out: dict[str, str] = {}
    for mime, value in data.items():
        if isinstance(value, bytes):
            out[mime] = base64.b64encode(value).decode("ascii")
        elif mime == "application/json" and not isinstance(value, str):
            out[mime] = json.dumps(value)
        else:
            out[mime] = value if isinstance(value, str) else str(value)
    return out


class _Run:
    """The cell being executed: where its outputs go."""

    def __init__(self, emit: Emit) -> None:
        self.emit = emit
        self.streams = _Streams(emit)

    def rich(self, kind: str, obj: object) -> None:
        self.streams.flush()
        data = mimebundle(obj, warn=self.emit)
        self.streams.flush()
        self.emit({"type": kind, "data": data})


_current: _Run | None = None


def display(*objs: object, raw: bool = False, **_options: object) -> None:
    """Show objects under the running cell, like IPython's ``display`` (``raw``: objects are mimebundles)."""
    run = _current
    if run is None:
        for obj in objs:
            print(repr(obj))
        return
    for obj in objs:
        if raw and isinstance(obj, dict):
            run.streams.flush()
            run.emit({"type": "display", "data": {str(k): str(v) for k, v in obj.items()}})
        else:
            run.rich("display", obj)


def install_ipython_shim() -> None:
    """A tiny ``IPython.display`` so notebook code that imports it also runs where IPython is absent."""
    if importlib.util.find_spec("IPython") is not None:
        return

    class _Data:
        def __init__(self, data: object = None, **_options: object) -> None:
            self.data = "" if data is None else str(data)

        def __repr__(self) -> str:
            return f"<IPython.core.display.{type(self).__name__} object>"

    class HTML(_Data):
        def _repr_html_(self) -> str:
            return self.data

    class Markdown(_Data):
        def _repr_markdown_(self) -> str:
            return self.data

    class SVG(_Data):
        def _repr_svg_(self) -> str:
            return self.data

    class Pretty(_Data):
        def __repr__(self) -> str:
            return self.data

    pkg = types.ModuleType("IPython")
    core = types.ModuleType("IPython.core")
    disp = types.ModuleType("IPython.display")
    for name, value in (("display", display), ("HTML", HTML), ("Markdown", Markdown), ("SVG", SVG), ("Pretty", Pretty)):
        setattr(disp, name, value)
    setattr(pkg, "display", disp)  # noqa: B010  (a module built at run time)
    setattr(pkg, "core", core)  # noqa: B010
    setattr(core, "display", disp)  # noqa: B010
    sys.modules.update({"IPython": pkg, "IPython.display": disp, "IPython.core": core, "IPython.core.display": disp})


# ---------------------------------------------------------------- namespaces (one per page in the browser)
_namespaces: dict[str, dict[str, Any]] = {}


def new_namespace() -> dict[str, Any]:
    """A fresh ``__main__``-like namespace, with ``display`` as in a Jupyter kernel."""
    return {"__name__": "__main__", "__builtins__": builtins, "display": display}


def namespace(key: str) -> dict[str, Any]:
    """The namespace kept under ``key`` (created on first use)."""
    ns = _namespaces.get(key)
    if ns is None:
        ns = _namespaces[key] = new_namespace()
    return ns


def forget(key: str) -> None:
    _namespaces.pop(key, None)


# ---------------------------------------------------------------- the last expression
_SKIPPED = (tokenize.ENDMARKER, tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT)


def semicolon_at_end(code: str) -> bool:
    """Whether the cell's last token is ``;``: IPython's display hook then shows nothing.

    The same test as ``IPython.core.displayhook.DisplayHook.semicolon_at_end_of_expression``.

    >>> semicolon_at_end("x;"), semicolon_at_end("x;  # note\\n\\n"), semicolon_at_end("x"), semicolon_at_end("'a;'")
    (True, True, False, False)
    """
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(code).readline))
    except (tokenize.TokenError, SyntaxError):
        return False
    for token in reversed(tokens):
        if token.type in _SKIPPED:
            continue
        return token.type == tokenize.OP and token.string == ";"
    return False


_FLAGS = ast.PyCF_ALLOW_TOP_LEVEL_AWAIT


def _compile(code: str, filename: str) -> tuple[types.CodeType, types.CodeType | None]:
    """The cell's statements, and its last expression when IPython would display it."""
    tree = compile(code, filename, "exec", ast.PyCF_ONLY_AST | _FLAGS, dont_inherit=True)
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        expr = ast.Expression(tree.body.pop().value)
        ast.fix_missing_locations(expr)
        last = compile(expr, filename, "eval", _FLAGS, dont_inherit=True)
    return compile(tree, filename, "exec", _FLAGS, dont_inherit=True), last


# ---------------------------------------------------------------- errors
_reader_files: set[str] = set()  # pseudo-file names of the reader's code ("<cell 3>", "<playground>")


def _where(filename: str) -> str:
    """A short, stable name for a frame outside the reader's code."""
    for marker in ("/site-packages/", "/dist-packages/"):
        if marker in filename:
            return filename.split(marker, 1)[1].split("/", 1)[0]
    if "/lib/python3" in filename:
        return "the Python standard library"
    return filename


def _title(label: str) -> str:
    return label[:1].upper() + label[1:]


def format_error(exc: BaseException) -> str:
    """A traceback trimmed to the reader's cells; frames in libraries are summarised on one line."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename not in _reader_files:
        tb = tb.tb_next  # the runner's own frames
    lines: list[str] = []
    frames = traceback.extract_tb(tb) if tb is not None else []
    hidden: list[traceback.FrameSummary] = []

    def flush_hidden() -> None:
        if hidden:
            places = ", ".join(dict.fromkeys(_where(f.filename) for f in hidden))
            n = len(hidden)
            lines.append(f"  [{n} frame{'s' if n != 1 else ''} in {places} hidden]")
            hidden.clear()

    if frames:
        lines.append("Traceback (most recent call last):")
    for frame in frames:
        if frame.filename in _reader_files:
            flush_hidden()
            where = "" if frame.name == "<module>" else f", in {frame.name}"
            lines.append(f"  {_title(frame.filename[1:-1])}, line {frame.lineno}{where}")
            if frame.line:
                lines.append(f"    {frame.line.strip()}")
        else:
            hidden.append(frame)
    flush_hidden()
    body = "".join(traceback.format_exception_only(type(exc), exc)).rstrip("\n")

    # A SyntaxError names the pseudo-file; say "Cell 3, line 2" as the frames do.
    def name_cell(m: re.Match[str]) -> str:
        return f"{_title(m.group(1))}, line" if f"<{m.group(1)}>" in _reader_files else m.group(0)

    lines.append(re.sub(r'File "<([^>]+)>", line', name_cell, body))
    return "\n".join(lines)


def error_message(exc: BaseException) -> Message:
    """The ``error`` message for ``exc``: its trimmed traceback, and its HTML when it has ``_repr_html_``."""
    msg: Message = {"type": "error", "ename": type(exc).__name__, "evalue": str(exc), "traceback": format_error(exc)}
    method = _method(exc, "_repr_html_")
    if method is not None:
        try:
            html = method()
        except Exception:
            html = None
        if isinstance(html, str) and html:
            msg["html"] = html
    return msg


# ---------------------------------------------------------------- running
async def _execute(code: str, ns: dict[str, Any], label: str, emit: Emit) -> Outcome:
    global _current
    filename = f"<{label}>"
    _reader_files.add(filename)
    linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
    run = _Run(emit)
    saved, outer = (sys.stdout, sys.stderr), _current
    sys.stdout, sys.stderr = _Writer(run.streams, "stdout"), _Writer(run.streams, "stderr")
    _current = run
    try:
        body, last = _compile(code, filename)
        result = eval(body, ns)
        if isinstance(result, types.CoroutineType):
            await result
        if last is not None:
            value = eval(last, ns)
            if isinstance(value, types.CoroutineType):
                value = await value
            if value is not None and not semicolon_at_end(code):
                ns["_"] = value
                run.rich("result", value)
        return Outcome("ok")
    except KeyboardInterrupt as exc:
        run.streams.flush()
        stopped = "KeyboardInterrupt: stopped by the Stop button"
        emit({"type": "error", "ename": "KeyboardInterrupt", "evalue": "", "traceback": stopped})
        return Outcome("interrupted", exc)
    except BaseException as exc:  # SystemExit included: the runtime must survive the reader's code
        run.streams.flush()
        emit(error_message(exc))
        return Outcome("error", exc)
    finally:
        run.streams.flush()
        sys.stdout, sys.stderr = saved
        _current = outer


def run_cell(code: str, ns: dict[str, Any], *, label: str, emit: Emit) -> Outcome:
    """Run ``code`` in ``ns`` now; every output goes to ``emit``. ``label`` names it in tracebacks.

    A top-level ``await`` works as long as what it awaits completes at once; anything that really has
    to wait needs an event loop (the browser's :func:`run_live` has one).
    """
    coroutine: Coroutine[Any, Any, Outcome] = _execute(code, ns, label, emit)
    try:
        coroutine.send(None)
    except StopIteration as done:
        outcome: Outcome = done.value
        return outcome
    coroutine.close()
    raise RuntimeError(f"{label} awaits something that needs an event loop; run it in the browser or in Jupyter")


async def run_live(key: str, label: str, code: str, emit_json: Callable[[str], object]) -> str:
    """The browser worker's entry point: run ``code`` in the namespace kept under ``key``.

    Each message goes to ``emit_json`` as a JSON string; returns ``"ok"``, ``"error"`` or ``"interrupted"``.
    """
    outcome = await _execute(code, namespace(key), label, lambda msg: emit_json(json.dumps(msg)))
    return outcome.status
