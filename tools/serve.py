"""Serve the built site on 127.0.0.1 with the headers live cells want.

Text assets are sent gzip-compressed when ``tools/stage_site.py`` left a ``.gz`` beside them and the
browser accepts it, as production static hosts do.

``Cross-Origin-Opener-Policy: same-origin`` plus ``Cross-Origin-Embedder-Policy: require-corp`` make the
page cross-origin isolated, which gives the Pyodide worker a SharedArrayBuffer and so a real Stop
(keyboard interrupt). ``--plain`` drops them to imitate a static host that cannot set headers; the
runner then stops code by restarting its worker. A missing path is answered with the site's 404 page
(``404.html``) and status 404, as static hosts do.

    python tools/serve.py [--port 8000] [--plain] [--dir site]

The test suites import :func:`start_server` to get the same server on a free port in a thread.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import io
import sys
import threading
from http import HTTPStatus
from pathlib import Path
from typing import BinaryIO, ClassVar

ROOT = Path(__file__).resolve().parents[1]
SITE_URL = "http://127.0.0.1:8000/"  # mkdocs.yml site_url


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    isolate = True
    extensions_map: ClassVar[dict[str, str]] = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".mjs": "text/javascript",
        ".js": "text/javascript",
        ".json": "application/json",
        ".whl": "application/zip",
        ".zip": "application/zip",
        ".webmanifest": "application/manifest+json",
    }

    def send_head(self) -> BinaryIO | None:
        gz = self._precompressed()
        if gz is not None:
            return gz
        # Material's instant navigation only follows links that the sitemap lists, compared with the port;
        # the sitemap is built for http://127.0.0.1:8000/, so serve it rewritten to the host actually used.
        if self.path.split("?")[0] == "/sitemap.xml" and (host := self.headers.get("Host")):
            body = (Path(self.directory) / "sitemap.xml").read_bytes()
            body = body.replace(SITE_URL.encode(), f"http://{host}/".encode())
            self.send_response(200)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            return io.BytesIO(body)
        return super().send_head()

    def _precompressed(self) -> BinaryIO | None:
        """Serve ``x.gz`` for ``x`` when the browser accepts gzip, as static hosts do (gzip_static)."""
        if "gzip" not in self.headers.get("Accept-Encoding", "") or self.path.split("?")[0] == "/sitemap.xml":
            return None
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?")[0].endswith("/"):
                return None  # let the base class redirect to the slash form
            path = path / "index.html"
        packed = path.with_name(path.name + ".gz")
        if not packed.is_file():
            return None
        body = packed.open("rb")
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(packed.stat().st_size))
        self.end_headers()
        return body

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """A missing path gets the site's own 404 page (``404.html``, as static hosts serve it), status 404."""
        page = Path(self.directory) / "404.html"
        if code != HTTPStatus.NOT_FOUND or not page.is_file():
            super().send_error(code, message, explain)
            return
        self.log_error("code %d, message %s", code, message)
        body = page.read_bytes()
        self.send_response(code, message)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def end_headers(self) -> None:
        if self.isolate:
            self.send_header("Cross-Origin-Opener-Policy", "same-origin")
            self.send_header("Cross-Origin-Embedder-Policy", "require-corp")
            self.send_header("Cross-Origin-Resource-Policy", "same-origin")
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        if not getattr(self.server, "quiet", False):
            super().log_message(format, *args)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        # A browser that closes a connection mid-response (a page closed, a download cancelled) is
        # not a server error; anything else still prints its traceback.
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


class QuietServer(Server):
    quiet = True


def make_handler(directory: Path, *, isolate: bool) -> type[SiteHandler]:
    handler = type("Handler", (SiteHandler,), {"isolate": isolate})
    return functools.partial(handler, directory=str(directory))  # type: ignore[return-value]


def start_server(
    directory: Path, *, isolate: bool = True, port: int = 0
) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Serve ``directory`` from a daemon thread; return the server and its base URL."""
    server = QuietServer(("127.0.0.1", port), make_handler(directory, isolate=isolate))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, bound = server.server_address[:2]
    return server, f"http://{host}:{bound}/"


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve the condis-edu site locally.")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--dir", type=Path, default=ROOT / "site")
    parser.add_argument("--plain", action="store_true", help="no COOP/COEP headers (like plain static hosting)")
    args = parser.parse_args()
    if not (args.dir / "index.html").exists():
        raise SystemExit(f"{args.dir} has no index.html: run `make site` first")
    server = Server(("127.0.0.1", args.port), make_handler(args.dir, isolate=not args.plain))
    mode = "plain (no COOP/COEP)" if args.plain else "cross-origin isolated"
    print(f"Serving {args.dir} on http://127.0.0.1:{args.port}/ ({mode}); Ctrl+C to stop", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()


if __name__ == "__main__":
    main()
