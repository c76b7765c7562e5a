"""Cell execution inside the Pyodide worker (bundled as text into condis-worker.js).

Runs a page's cells in one namespace per page, the way IPython does it: the last statement of a
cell, when it is an expression and the cell does not end with ``;``, is displayed through its rich
representation. Output is sent to the page as JSON messages through ``_emit`` (a JS function).
"""

import ast
import builtins
import base64
import io
import json
import linecache
import re
import sys
import time
import tokenize
import traceback
import types

_namespaces = {}
_emit = None  # set by the worker before each run: a JS function taking one JSON string
_OUTPUT_LIMIT = 2_000_000  # characters of stream output per cell before truncation


def _send(msg):
    if _emit is not None:
        _emit(json.dumps(msg))


class _Stream(io.TextIOBase):
    """A text stream that forwards what is written to the page, batching fast writers."""

    def __init__(self, name, budget):
        self.name = name
        self._parts = []
        self._pending = 0
        self._last = 0.0
        self._budget = budget

    @property
    def encoding(self):
        return "utf-8"

    def writable(self):
        return True

    def isatty(self):
        return False

    def write(self, s):
        if not isinstance(s, str):
            raise TypeError(f"write() argument must be str, not {type(s).__name__}")
        if not s:
            return 0
        left = self._budget["left"]
        if left <= 0:
            return len(s)
        if len(s) > left:
            s = s[:left] + f"\n[output truncated after {_OUTPUT_LIMIT:,} characters]\n"
        self._budget["left"] = left - len(s)
        self._parts.append(s)
        self._pending += len(s)
        now = time.monotonic()
        if now - self._last >= 0.02 or self._pending > 65536:
            self.flush()
        return len(s)

    def flush(self):
        if self._parts:
            text = "".join(self._parts)
            self._parts = []
            self._pending = 0
            self._last = time.monotonic()
            _send({"type": "stream", "name": self.name, "text": text})


_RICH = (
    ("text/html", "_repr_html_"),
    ("text/markdown", "_repr_markdown_"),
    ("image/svg+xml", "_repr_svg_"),
    ("image/png", "_repr_png_"),
    ("image/jpeg", "_repr_jpeg_"),
    ("text/latex", "_repr_latex_"),
    ("application/json", "_repr_json_"),
)


def _method(obj, name):
    # Like IPython: never call rich-repr methods on classes, nor on objects that answer any attribute.
    if isinstance(obj, type):
        return None
    try:
        if getattr(obj, "_ipython_canary_method_should_not_exist_", None) is not None:
            return None
        m = getattr(obj, name, None)
    except Exception:
        return None
    return m if callable(m) else None


def mimebundle(obj):
    data = {}
    m = _method(obj, "_repr_mimebundle_")
    if m is not None:
        try:
            r = m()
            if isinstance(r, tuple):
                r = r[0]
            if isinstance(r, dict):
                data.update(r)
        except Exception:
            pass
    for mime, name in _RICH:
        if mime in data:
            continue
        m = _method(obj, name)
        if m is None:
            continue
        try:
            value = m()
        except Exception as exc:  # a broken _repr_ should not hide the value
            _send({"type": "stream", "name": "stderr", "text": f"{name} failed: {exc!r}\n"})
            continue
        if value is None:
            continue
        if isinstance(value, tuple):
            value = value[0]
        data[mime] = value
    if "text/plain" not in data:
        data["text/plain"] = repr(obj)
    out = {}
    for mime, value in data.items():
        if isinstance(value, bytes):
            value = base64.b64encode(value).decode("ascii")
        elif mime == "application/json" and not isinstance(value, str):
            value = json.dumps(value)
        elif not isinstance(value, str):
            value = str(value)
        out[mime] = value
    return out


def display(*objs, raw=False, **kwargs):
    """Show objects under the running cell, like IPython's ``display``."""
    for obj in objs:
        data = obj if raw and isinstance(obj, dict) else mimebundle(obj)
        _send({"type": "display", "data": data})


def _install_ipython_shim():
    """A tiny ``IPython.display`` so notebook code that imports it also runs in the browser."""
    try:
        import IPython  # noqa: F401
        return
    except ImportError:
        pass

    class _Data:
        _mime = "text/plain"

        def __init__(self, data=None, **kwargs):
            self.data = "" if data is None else str(data)

        def __repr__(self):
            return f"<IPython.core.display.{type(self).__name__} object>"

    class HTML(_Data):
        def _repr_html_(self):
            return self.data

    class Markdown(_Data):
        def _repr_markdown_(self):
            return self.data

    class SVG(_Data):
        def _repr_svg_(self):
            return self.data

    class Pretty(_Data):
        def __repr__(self):
            return self.data

    pkg = types.ModuleType("IPython")
    core = types.ModuleType("IPython.core")
    disp = types.ModuleType("IPython.display")
    for name, value in (("display", display), ("HTML", HTML), ("Markdown", Markdown), ("SVG", SVG), ("Pretty", Pretty)):
        setattr(disp, name, value)
    pkg.display = disp
    pkg.core = core
    core.display = disp
    sys.modules.update({"IPython": pkg, "IPython.display": disp, "IPython.core": core, "IPython.core.display": disp})


def namespace(key):
    ns = _namespaces.get(key)
    if ns is None:
        ns = {"__name__": "__main__", "__builtins__": builtins, "display": display}
        _namespaces[key] = ns
    return ns


def forget(key):
    _namespaces.pop(key, None)


def _ends_with_semicolon(code):
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(code).readline))
    except (tokenize.TokenError, SyntaxError):
        return code.rstrip().endswith(";")
    skip = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.ENDMARKER, tokenize.INDENT, tokenize.DEDENT}
    for tok in reversed(tokens):
        if tok.type in skip:
            continue
        return tok.type == tokenize.OP and tok.string == ";"
    return False


_reader_files = set()  # pseudo-file names of the reader's code ("<cell 3>", "<playground>")


def _is_cell(filename):
    return filename in _reader_files


def _where(filename):
    """A short, stable name for a frame outside the reader's code."""
    for marker in ("/site-packages/", "/dist-packages/"):
        if marker in filename:
            return filename.split(marker, 1)[1].split("/", 1)[0]
    if "/lib/python3" in filename:
        return "the Python standard library"
    return filename


def format_error(exc):
    """A traceback trimmed to the reader's cells; frames in libraries are summarised on one line."""
    tb = exc.__traceback__
    while tb is not None and not _is_cell(tb.tb_frame.f_code.co_filename):
        tb = tb.tb_next  # the runner's own frames
    lines = []
    frames = traceback.extract_tb(tb) if tb is not None else []
    if frames:
        lines.append("Traceback (most recent call last):")
        hidden = []

        def flush_hidden():
            if hidden:
                places = ", ".join(dict.fromkeys(_where(f.filename) for f in hidden))
                n = len(hidden)
                lines.append(f"  [{n} frame{'s' if n != 1 else ''} in {places} hidden]")
                hidden.clear()

        for frame in frames:
            if _is_cell(frame.filename):
                flush_hidden()
                label = frame.filename[1:-1]
                label = label[:1].upper() + label[1:]
                where = "" if frame.name == "<module>" else f", in {frame.name}"
                lines.append(f"  {label}, line {frame.lineno}{where}")
                if frame.line:
                    lines.append(f"    {frame.line.strip()}")
            else:
                hidden.append(frame)
        flush_hidden()
    body = "".join(traceback.format_exception_only(type(exc), exc)).rstrip("\n")
    # SyntaxError names the pseudo-file; say "Cell 3" as the frames do.
    body = re.sub(r'File "<([^>]+)>", line', lambda m: (m.group(1)[:1].upper() + m.group(1)[1:] + ", line") if f"<{m.group(1)}>" in _reader_files else m.group(0), body)
    lines.append(body)
    return "\n".join(lines)


def _error_message(exc):
    _send(
        {
            "type": "error",
            "ename": type(exc).__name__,
            "evalue": str(exc),
            "traceback": format_error(exc),
        }
    )


async def run_cell(key, label, code, emit):
    """Run ``code`` in the namespace ``key``; returns "ok", "error" or "interrupted".

    ``label`` names the code in tracebacks ("cell 3" shows as "Cell 3, line 2").
    """
    global _emit
    _emit = emit
    ns = namespace(key)
    filename = f"<{label}>"
    _reader_files.add(filename)
    linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
    budget = {"left": _OUTPUT_LIMIT}
    out, err = _Stream("stdout", budget), _Stream("stderr", budget)
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err
    try:
        flags = ast.PyCF_ALLOW_TOP_LEVEL_AWAIT
        tree = compile(code, filename, "exec", ast.PyCF_ONLY_AST | flags, dont_inherit=True)
        last = None
        if tree.body and isinstance(tree.body[-1], ast.Expr) and not _ends_with_semicolon(code):
            last = ast.Expression(tree.body.pop().value)
            ast.fix_missing_locations(last)
        result = eval(compile(tree, filename, "exec", flags, dont_inherit=True), ns)
        if isinstance(result, types.CoroutineType):
            await result
        if last is not None:
            value = eval(compile(last, filename, "eval", flags, dont_inherit=True), ns)
            if isinstance(value, types.CoroutineType):
                value = await value
            if value is not None:
                builtins._ = value
                ns["_"] = value
                out.flush()
                err.flush()
                _send({"type": "result", "data": mimebundle(value)})
        return "ok"
    except KeyboardInterrupt as exc:
        out.flush()
        err.flush()
        _send({"type": "error", "ename": "KeyboardInterrupt", "evalue": "", "traceback": "KeyboardInterrupt: stopped by the Stop button"})
        return "interrupted"
    except BaseException as exc:  # SystemExit included: the runtime must survive the reader's code
        out.flush()
        err.flush()
        _error_message(exc)
        return "error"
    finally:
        out.flush()
        err.flush()
        sys.stdout, sys.stderr = saved
        _emit = None


_install_ipython_shim()
