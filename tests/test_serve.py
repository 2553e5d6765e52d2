"""`build.py serve`: serves the site on loopback and rebuilds it when data changes."""

from __future__ import annotations

import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:  # loopback only
        return str(response.read().decode("utf-8"))


@pytest.mark.slow
def test_serve_rebuilds_on_change(root, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = root("minimal")
    out = tmp_path / "site"
    proc = subprocess.Popen(
        [sys.executable, "-m", "handbook", "serve", "--data", str(data), "--out", str(out),
         "--port", "0"], stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stderr is not None
        port = None
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and port is None:
            line = proc.stderr.readline()
            match = re.search(r"serving .* at http://127\.0\.0\.1:(\d+)/", line)
            if match:
                port = int(match.group(1))
        assert port, "server did not start"
        base = f"http://127.0.0.1:{port}"
        first = _get(f"{base}/_hb/release")
        page = _get(f"{base}/")
        # the reload script is added to served pages only, as a file the CSP lets run
        assert '<script src="/_hb/reload.js"></script>' in page
        assert "/_hb/release" in _get(f"{base}/_hb/reload.js")
        section = next((data / "sections").glob("*.yaml"))
        text = section.read_text("utf-8")
        title = re.search(r"^title: (.+)$", text, re.M)
        assert title
        section.write_text(text.replace(title.group(0), "title: Edited while serving", 1),
                           "utf-8")
        while time.monotonic() < deadline and _get(f"{base}/_hb/release") == first:
            time.sleep(0.5)
        assert _get(f"{base}/_hb/release") != first, "no rebuild after the change"
        version = re.search(r'version: "?([0-9.]+)', (data / "handbook.yaml").read_text())
        assert version
        built = _get(f"{base}/{version.group(1)}/en/{section.stem}.html")
        assert "Edited while serving" in built
        on_disk = (out / version.group(1) / "en" / f"{section.stem}.html").read_text("utf-8")
        assert "/_hb/reload.js" not in on_disk  # the published files stay as built
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        if proc.stderr is not None:
            proc.stderr.close()


def _raw_get(port: int, path: str) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and the whole body as sent (read until the server closes)."""
    import socket

    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(f"GET {path} HTTP/1.0\r\nHost: localhost\r\n\r\n".encode())
        raw = b""
        while chunk := sock.recv(65536):
            raw += chunk
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split()[1]), headers, body


def test_content_length_matches_the_body_sent(tmp_path: Path) -> None:
    import http.server
    import threading

    from handbook.serve import _Handler, bind

    site = tmp_path / "release"
    site.mkdir()
    (site / "index.html").write_text("<html><body><p>hi</p></body></html>", "utf-8")
    (site / "style.css").write_text("p { color: red }", "utf-8")
    (tmp_path / "site").symlink_to(site)
    handler = type("Handler", (_Handler,), {"out": tmp_path / "site"})
    httpd: http.server.ThreadingHTTPServer = bind("127.0.0.1", 0, handler, tmp_path / "site")
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        port = httpd.server_address[1]
        for path, status in [("/", 200), ("/index.html", 200), ("/style.css", 200),
                             ("/missing.html", 404), ("/missing/", 404), ("/nope.css", 404)]:
            code, headers, body = _raw_get(port, path)
            assert code == status, path
            assert int(headers["content-length"]) == len(body), path
            assert (b"/_hb/reload.js" in body) == (status == 200 and path != "/style.css"), path
    finally:
        httpd.shutdown()
        httpd.server_close()
