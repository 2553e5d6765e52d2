"""Published site -> a local preview server that rebuilds when data, themes or locales change.

The built files are served as they are; only the pages get a script tag loading
/_hb/reload.js, which reloads the page when a new release is published, so authors see
every saved edit.
"""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import HandbookError
from .log import logger
from .paths import THEMES, Paths

if TYPE_CHECKING:
    from .pipeline import BuildOptions

_RELOAD_JS = b"""(function(){var id=null;setInterval(function(){fetch('/_hb/release',
{cache:'no-store'}).then(function(r){return r.text()}).then(function(t){if(id===null)id=t;
else if(t!==id)location.reload()}).catch(function(){})},1000)})();
"""
# a file, not an inline script: the pages' Content-Security-Policy runs only the site's own
_RELOAD = b'<script src="/_hb/reload.js"></script>'


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serves <out> through its symbolic link, so each request sees the current release."""

    out: Path

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
        if self.path.split("?")[0].endswith((".html", "/")):
            data = source.read().replace(b"</body>", _RELOAD + b"</body>", 1)
            outputfile.write(data)
            return
        super().copyfile(source, outputfile)

    def send_header(self, keyword: str, value: str) -> None:
        if keyword == "Content-Length" and self.path.split("?")[0].endswith((".html", "/")):
            value = str(int(value) + len(_RELOAD))
        super().send_header(keyword, value)

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("serve: " + format, *args)


def serve_options(paths: Paths, languages: list[str] | None) -> BuildOptions:
    """What serve builds, first and after every change: the HTML of the languages asked."""
    from .pipeline import BuildOptions

    return BuildOptions(paths=paths, languages=languages, pdf=False)


def serve(paths: Paths, languages: list[str] | None, host: str, port: int) -> int:
    """Build, serve on host:port, and rebuild on every change until interrupted."""
    from watchfiles import watch

    from .pipeline import build

    options = serve_options(paths, languages)
    build(options)
    handler = type("Handler", (_Handler,), {"out": paths.out})
    httpd = http.server.ThreadingHTTPServer(
        (host, port), functools.partial(handler, directory=str(paths.out)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    logger.info("serving %s at http://%s:%d/ (Ctrl+C to stop)", paths.out, host,
                httpd.server_address[1])
    watched = [str(p) for p in (paths.data, THEMES) if p.exists()]
    try:
        for changes in watch(*watched, debounce=300):
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
