"""Image assets are judged by their bytes: rasters must decode as what their name says, SVGs
pass an allow-list (no script, no link, no reference outside the file), and the logo is
published, on the site and in the PDFs, under the type it really has."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import html as lhtml
from PIL import Image
from pypdf import PdfReader

from handbook.assets import image_problem, svg_problem
from handbook.cli import main

Root = Callable[[str], Path]

_SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">{}</svg>'

HOSTILE = {
    "script": "<script>alert(1)</script>",
    "xhtml-script": '<h:script xmlns:h="http://www.w3.org/1999/xhtml">alert(1)</h:script>',
    "foreign-object": "<foreignObject><div>x</div></foreignObject>",
    "onload": '<rect width="1" height="1" onload="alert(1)"/>',
    "ONCLICK": '<rect width="1" height="1" ONCLICK="alert(1)"/>',
    "a-javascript": '<a href="javascript:alert(1)"><rect width="1" height="1"/></a>',
    "set-href": '<use href="#a"><set attributeName="href" to="javascript:alert(1)"/></use>',
    "animate": '<rect width="1"><animate attributeName="width" to="9" dur="1s"/></rect>',
    "handler": '<handler xmlns:ev="http://www.w3.org/2001/xml-events" ev:event="load">x'
               '</handler>',
    "iframe": "<iframe/>",
    "use-other-file": '<use href="other.svg#a"/>',
    "xlink-other-file": '<use xmlns:x="http://www.w3.org/1999/xlink" x:href="//h/s.svg#a"/>',
    "image-remote": '<image href="http://127.0.0.1:9/x.png" width="1" height="1"/>',
    "image-svg-data": '<image href="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=" width="1"/>',
    "image-local": '<image href="logo.png" width="1" height="1"/>',
    "fe-image": '<filter id="f"><feImage href="http://127.0.0.1:9/x.png"/></filter>',
    "xml-base": '<g xml:base="http://127.0.0.1:9/"><use href="#a"/></g>',
    "fill-url": '<rect width="1" height="1" fill="url(http://127.0.0.1:9/p.svg#g)"/>',
    "fill-url-escaped": '<rect width="1" height="1" fill="u\\72l(http://127.0.0.1:9/p#g)"/>',
    "style-url": '<rect width="1" height="1" style="fill: url(\'//127.0.0.1:9/p.svg#g\')"/>',
    "style-url-escaped": '<rect width="1" style="fill: U\\52 L(//127.0.0.1:9/p.svg#g)"/>',
    "style-url-concat": '<rect width="1" style="fill: url(\'#a\' \'http://x/\')"/>',
    "style-unknown-property": '<rect width="1" style="behavior: url(#x)"/>',
    "style-moz-binding": '<rect width="1" style="-moz-binding: url(#x)"/>',
    "style-expression": '<rect width="1" style="fill: expression(alert(1))"/>',
    "style-image-set": '<rect width="1" style="fill: image-set(\'x.png\' 1x)"/>',
    "sheet-import": "<style>@import url(http://127.0.0.1:9/s.css);</style>",
    "sheet-import-escaped": "<style>@\\69mport 'http://127.0.0.1:9/s.css';</style>",
    "sheet-font-face": "<style>@font-face { font-family: x; src: url(x.woff) }</style>",
    "sheet-url": "<style>rect { fill: url(http://127.0.0.1:9/p.svg#g) }</style>",
    "sheet-url-escaped": "<style>rect { fill: \\75 rl(http://127.0.0.1:9/p.svg#g) }</style>",
    "sheet-cdata": "<style><![CDATA[ rect { fill: url(//127.0.0.1:9/p#g) } ]]></style>",
    "sheet-split": "<style>rect { fill: red }<g/>circle { fill: url(//h/p#g) }</style>",
    "sheet-nested": "<style>g { rect { fill: red } }</style>",
    "sheet-property": "<style>rect { background-image: url(#x) }</style>",
    "unknown-attribute": '<rect width="1" formaction="x"/>',
    "unknown-namespace": '<x:thing xmlns:x="urn:x"/>',
}

HOSTILE_DOCUMENTS = {
    "doctype": '<!DOCTYPE svg [<!ENTITY x "y">]>' + _SVG.format("<text>&x;</text>"),
    "xml-stylesheet": '<?xml-stylesheet href="http://127.0.0.1:9/s.css"?>' + _SVG.format(""),
    "svg-onload": '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
    "html-root": '<html xmlns="http://www.w3.org/1999/xhtml"><svg/><script>x</script></html>',
    "no-namespace": "<svg><script>alert(1)</script></svg>",
}

GOOD = {
    "gradient": '<defs><linearGradient id="g"><stop offset="0" stop-color="#fff"/>'
                '</linearGradient></defs><rect width="10" height="10" fill="url(#g)"/>',
    "style-url-fragment": '<rect width="1" height="1" style="fill: url(\'#g\'); opacity: .5"/>',
    "sheet": '<style type="text/css">.cls-1 { fill: #0b4f8a; } g > .a:not(.b) '
             '{ stroke: rgb(0, 0, 0) }</style><rect class="cls-1" width="1" height="1"/>',
    "use-fragment": '<symbol id="s"><circle r="1"/></symbol><use href="#s" x="2"/>',
    "xlink-fragment": '<use xmlns:xlink="http://www.w3.org/1999/xlink" xlink:href="#s"/>',
    "inkscape": '<sodipodi:namedview xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/'
                'sodipodi-0.dtd" pagecolor="#fff"/><g xmlns:inkscape="http://www.inkscape.org'
                '/namespaces/inkscape" inkscape:label="Layer 1" inkscape:groupmode="layer"/>',
    "text": '<text x="1" y="5" font-family="Source Sans 3" xml:space="preserve">'
            "Northwind &lt;script&gt;</text>",
    "embedded-png": '<image width="1" height="1" href="data:image/png;base64,iVBORw0KGgo="/>',
    "transform": '<g transform="translate(1 2) rotate(45) scale(2)" aria-label="x"/>',
    "filter": '<filter id="f"><feGaussianBlur stdDeviation="2"/></filter>'
              '<rect width="1" filter="url(#f)"/>',
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_svg_element_is_refused(case: str) -> None:
    problem = svg_problem(_SVG.format(HOSTILE[case]).encode())
    assert problem is not None, case


@pytest.mark.parametrize("case", list(HOSTILE_DOCUMENTS))
def test_hostile_svg_document_is_refused(case: str) -> None:
    assert svg_problem(HOSTILE_DOCUMENTS[case].encode()) is not None


@pytest.mark.parametrize("case", list(GOOD))
def test_inert_svg_passes(case: str) -> None:
    assert svg_problem(_SVG.format(GOOD[case]).encode()) is None


def test_pinned_svg_messages() -> None:
    def problem(body: str) -> str | None:
        return image_problem(_SVG.format(body).encode(), "logo.svg")

    assert problem(HOSTILE["sheet-import-escaped"]) == \
        "expected a self-contained SVG, got a stylesheet rule @import"
    assert problem(HOSTILE["fill-url-escaped"]) == \
        "expected a self-contained SVG, got a url() reference to 'http://127.0.0.1:9/p#g'"
    assert problem(HOSTILE["style-unknown-property"]) == \
        "expected a self-contained SVG, got a CSS property 'behavior'"
    assert problem(HOSTILE["xhtml-script"]) == \
        "expected a self-contained SVG, got a <script> element of http://www.w3.org/1999/xhtml"


def _raster(kind: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "#0B4F8A").save(out, kind)
    return out.getvalue()


@pytest.mark.parametrize(("name", "kind"), [("logo.png", "PNG"), ("logo.jpg", "JPEG"),
                                            ("logo.JPEG", "JPEG"), ("logo.webp", "WEBP")])
def test_real_raster_images_pass(name: str, kind: str) -> None:
    assert image_problem(_raster(kind), name) is None


@pytest.mark.parametrize(("name", "data", "message"), [
    ("logo.png", _SVG.format("<script>alert(1)</script>").encode(),
     "expected a PNG image as the name 'logo.png' says, got an SVG image"),
    ("logo.svg", _raster("PNG"), "expected an SVG image as the name 'logo.svg' says, got a "
                                 "PNG image"),
    ("logo.jpg", _raster("PNG"), "expected a JPEG image as the name 'logo.jpg' says, got a "
                                 "PNG image"),
    ("logo.png", b"<html><script>alert(1)</script></html>",
     "expected a PNG image as the name 'logo.png' says, got no image this tool can publish"),
    ("logo.png", b"\x89PNG\r\n\x1a\n" + b"<script>alert(1)</script>" * 4,
     None),  # the PNG magic, then garbage: a damaged PNG (message checked below)
    ("logo.webp", b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"\x00" * 8, None),
    ("logo.png", _raster("PNG")[:60], None),  # truncated
])
def test_raster_is_judged_by_its_bytes(name: str, data: bytes, message: str | None) -> None:
    problem = image_problem(data, name)
    assert problem is not None
    if message is None:
        kind = name.rsplit(".", 1)[1].upper()
        assert problem.startswith(f"expected a {'WebP' if kind == 'WEBP' else kind} image, got "
                                  "a damaged"), problem
    else:
        assert problem == message


def test_svg_with_a_script_saved_as_png_is_refused(root: Root, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str],
                                                   tmp_path: Path) -> None:
    data = root("svg-as-png")
    monkeypatch.chdir(data.parent)
    assert main(["html", "--data", "svg-as-png", "--out", "site", "-q"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "svg-as-png/handbook.yaml:5:9: ERROR: organisation.logo: expected a PNG image as the "
        "name 'logo.png' says, got an SVG image [data.asset]",
        "ERROR: validation failed: 1 error",
    ]
    assert not (tmp_path / "site").exists()


def test_png_logo_is_published_as_png_on_the_site_and_in_the_pdf(root: Root,
                                                                  tmp_path: Path) -> None:
    data, out = root("png-logo"), tmp_path / "site"
    assert main(["all", "--data", str(data), "--out", str(out), "-q"]) == 0
    site = out / "2026.1" / "en"
    static = sorted(p.name for p in (site / "_static").glob("logo.*"))
    assert static == ["logo.png"]
    assert (site / "_static" / "logo.png").read_bytes() == (data / "assets" / "logo.png") \
        .read_bytes()
    for page in ("index.html", "basics.html", "search.html"):
        tree = lhtml.fromstring((site / page).read_bytes())
        assert tree.xpath("//a[@class='hb-brand']/img/@src") == ["_static/logo.png"], page
    reader = PdfReader(site / "pdf" / "handbook.pdf")
    images = [image for image in reader.pages[0].images]
    assert len(images) == 1 and images[0].image is not None
    assert images[0].image.size == (48, 48)
