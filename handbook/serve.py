"""Published site -> a local preview server that rebuilds when data, themes or locales change.

The built files are served as they are; only the pages get a script tag loading
/_hb/reload.js, which reloads the page when a new release is published, so authors see
every saved edit.
"""

from __future__ import annotations

import errno
import functools
import http.server
import os
import socket
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import HandbookError, UsageError
from .log import logger
from .paths import THEMES, Paths

if TYPE_CHECKING:
    from .project import BuildOptions

_RELOAD_JS = b"""(function(){var id=null;setInterval(function(){fetch('/_hb/release',
{cache:'no-store'}).then(function(r){return r.text()}).then(function(t){if(id===null)id=t;
else if(t!==id)location.reload()}).catch(function(){})},1000)})();
"""
# a file, not an inline script: the pages' Content-Security-Policy runs only the site's own
_RELOAD = b'<script src="/_hb/reload.js"></script>'


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serves <out> through its symbolic link, so each request sees the current release."""

    out: Path
    _status = 0

    def send_response(self, code: int, message: str | None = None) -> None:
        self._status = code  # only a file sent whole (200) gets the reload script
        super().send_response(code, message)

    def _injects(self) -> bool:
        return self._status == 200 and self.path.split("?")[0].endswith((".html", "/"))

    def do_GET(self) -> None:
        if self.path in ("/_hb/release", "/_hb/reload.js"):
            js = self.path.endswith(".js")
            body = _RELOAD_JS if js else self.out.resolve().name.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/javascript" if js else "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()

    def translate_path(self, path: str) -> str:
        self.directory = str(self.out.resolve())
        return super().translate_path(path)

    def copyfile(self, source: Any, outputfile: Any) -> None:
        if self._injects():
            data = source.read().replace(b"</body>", _RELOAD + b"</body>", 1)
            outputfile.write(data)
            return
        super().copyfile(source, outputfile)

    def send_header(self, keyword: str, value: str) -> None:
        if keyword == "Content-Length" and self._injects():
            value = str(int(value) + len(_RELOAD))
        super().send_header(keyword, value)

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("serve: " + format, *args)


def serve_options(paths: Paths, languages: list[str] | None) -> BuildOptions:
    """What serve builds, first and after every change: the HTML of the languages asked."""
    from .project import BuildOptions

    return BuildOptions(paths=paths, languages=languages, pdf=False, wait=True)


def bind(host: str, port: int, handler: type[_Handler],
         directory: Path) -> http.server.ThreadingHTTPServer:
    """The server socket, opened before any build: a bad --host or --port is a usage error."""
    try:
        return http.server.ThreadingHTTPServer(
            (host, port), functools.partial(handler, directory=str(directory)))
    except socket.gaierror as exc:
        raise UsageError(f"--host {host}: cannot resolve it ({exc.strerror}): expected a host "
                         "name or address of this machine, like 127.0.0.1") from None
    except OverflowError:
        raise UsageError(f"--port {port}: expected a port number from 0 to 65535") from None
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise UsageError(f"--port {port} is already in use on {host}: stop what uses it, "
                             "or choose another port (--port 0: any free port)") from None
        raise UsageError(f"cannot serve on {host}:{port}: {exc.strerror}: expected an address "
                         "of this machine and a free port you may open") from None


def serve(paths: Paths, languages: list[str] | None, host: str, port: int) -> int:
    """Build, serve on host:port, and rebuild on every change until interrupted."""
    from watchfiles import watch

    from .pipeline import build

    options = serve_options(paths, languages)
    handler = type("Handler", (_Handler,), {"out": paths.out})
    httpd = bind(host, port, handler, paths.out)
    try:
        build(options)
    except BaseException:
        httpd.server_close()
        raise
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    logger.info("serving %s at http://%s:%d/ (Ctrl+C to stop)", paths.out, host,
                httpd.server_address[1])
    watched = [str(p) for p in (paths.data, THEMES) if p.exists()]
    written = [Path(os.path.abspath(p)) for p in (paths.out, paths.work)]

    def is_source(change: object, path: str) -> bool:  # not the build's own output
        return not any(Path(path).is_relative_to(folder) for folder in written)

    try:
        for changes in watch(*watched, debounce=300, watch_filter=is_source):
            names = sorted({Path(c[1]).name for c in changes})
            logger.info("changed: %s — rebuilding", ", ".join(names[:5]))
            try:
                build(options)
            except HandbookError as exc:
                for problem in exc.problems:
                    logger.error("%s", problem)
                logger.error("%s (the previous site stays published)", exc)
    except KeyboardInterrupt:
        pass
    finally:
        httpd.shutdown()
        httpd.server_close()
    return 0
