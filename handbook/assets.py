"""Image asset bytes -> their real type, or why they cannot be published.

An image is judged by its content, never its name: a PNG, JPEG or WebP must open and verify
as that image in Pillow; an SVG must pass an allow-list of elements, attributes and CSS
properties, with ``url(#fragment)`` its only reference (no script, no link, no file or
address to load, which WeasyPrint would fetch while building). CSS is read with tinycss2,
which decodes escapes (``u\\72l(``, ``@\\69mport``) before anything is compared. A file
whose name promises another type than its content is refused too.
"""

from __future__ import annotations

import io
import re
import warnings
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from typing import Any

import tinycss2

RASTER = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}
"""Pillow format -> the extension a raster image is published with."""

EXTENSIONS = {"svg": "svg", "png": "png", "jpg": "jpg", "jpeg": "jpg", "webp": "webp"}
"""File name extension -> the type it promises."""

_NAMES = {"svg": "an SVG image", "png": "a PNG image", "jpg": "a JPEG image",
          "webp": "a WebP image"}

_MAGIC = ((b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpg"))

MAX_PIXELS = 40_000_000
"""Largest raster image accepted (a logo needs far fewer; Pillow's bomb limit is ~89 M)."""

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
XML = "http://www.w3.org/XML/1998/namespace"
# what drawing programs leave in a file (Inkscape, Illustrator, Sketch): inert to a browser
_EDITOR = ("http://www.inkscape.org/namespaces/inkscape",
           "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd",
           "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "http://purl.org/dc/elements/1.1/",
           "http://creativecommons.org/ns#", "http://ns.adobe.com/AdobeIllustrator/10.0/",
           "http://www.bohemiancoding.com/sketch/ns")

ELEMENTS = frozenset("""
svg g defs title desc metadata symbol use path rect circle ellipse line polyline polygon
text tspan textPath linearGradient radialGradient stop clipPath mask pattern marker style
image filter feBlend feColorMatrix feComponentTransfer feComposite feDropShadow feFlood
feFuncA feFuncB feFuncG feFuncR feGaussianBlur feMerge feMergeNode feMorphology feOffset
""".split())

_TEXT_ATTRIBUTES = frozenset("""
id class data-name role aria-label aria-hidden focusable lang version baseProfile type in
in2 result mode operator media
""".split())
"""Attributes whose value is a name or text, never CSS: not read as CSS."""

_CSS_ATTRIBUTES = frozenset("""
style transform viewBox width height x y x1 y1 x2 y2 cx cy r rx ry fx fy fr d points fill
fill-opacity fill-rule stroke stroke-width stroke-linecap stroke-linejoin stroke-miterlimit
stroke-dasharray stroke-dashoffset stroke-opacity opacity offset stop-color stop-opacity
gradientUnits gradientTransform spreadMethod clip-path clip-rule clipPathUnits mask maskUnits
maskContentUnits patternUnits patternContentUnits patternTransform preserveAspectRatio
font-family font-size font-weight font-style font-variant text-anchor dominant-baseline
alignment-baseline baseline-shift letter-spacing word-spacing text-decoration dx dy rotate
textLength lengthAdjust startOffset display visibility overflow color filter filterUnits
primitiveUnits stdDeviation k1 k2 k3 k4 values tableValues slope intercept amplitude exponent
flood-color flood-opacity markerWidth markerHeight refX refY orient markerUnits marker-start
marker-mid marker-end mix-blend-mode isolation paint-order vector-effect shape-rendering
text-rendering image-rendering color-interpolation color-interpolation-filters
enable-background radius xml:space href
""".split())

PROPERTIES = frozenset("""
fill fill-opacity fill-rule stroke stroke-width stroke-linecap stroke-linejoin
stroke-miterlimit stroke-dasharray stroke-dashoffset stroke-opacity opacity stop-color
stop-opacity font font-family font-size font-weight font-style font-variant font-stretch
text-anchor dominant-baseline alignment-baseline baseline-shift letter-spacing word-spacing
text-decoration white-space line-height display visibility overflow color clip-path clip-rule
mask filter flood-color flood-opacity lighting-color marker marker-start marker-mid marker-end
mix-blend-mode isolation paint-order vector-effect shape-rendering text-rendering
image-rendering color-interpolation color-interpolation-filters enable-background transform
transform-origin transform-box
""".split())

FUNCTIONS = frozenset("""
url rgb rgba hsl hsla calc matrix translate translatex translatey scale scalex scaley rotate
skewx skewy
""".split())

_DATA_IMAGE = re.compile(r"data:image/(png|jpeg|webp);base64,[A-Za-z0-9+/=\s]*\Z")
_FORBIDDEN = re.compile(rb"<!DOCTYPE|<!ENTITY|<\?xml-stylesheet", re.IGNORECASE)


def image_problem(data: bytes, name: str) -> str | None:
    """An "expected ..., got ..." message when an image file cannot be published, or None."""
    promised = EXTENSIONS.get(name.rsplit(".", 1)[-1].lower())
    if promised is None:
        return f"expected a .svg, .png, .jpg, .jpeg or .webp image, got {name!r}"
    found = sniff(data)
    if found != promised:
        got = _NAMES[found] if found else "no image this tool can publish"
        return f"expected {_NAMES[promised]} as the name {name!r} says, got {got}"
    if found == "svg":
        problem = svg_problem(data)
        return f"expected a self-contained SVG, got {problem}" if problem else None
    problem = raster_problem(data, found)
    return f"expected {_NAMES[found]}, got {problem}" if problem else None


def sniff(data: bytes) -> str | None:
    """The type an image's bytes start with: svg, png, jpg, webp or None."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<") and re.search(rb"<svg[\s>]", head):
        return "svg"
    return None


def raster_problem(data: bytes, kind: str) -> str | None:
    """Why raster bytes are not a whole, readable image of that kind, or None."""
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if RASTER.get(image.format or "") != kind:
                    return f"{image.format} data inside"
                if image.width * image.height > MAX_PIXELS:
                    return f"an image of {image.width}×{image.height} pixels (at most " \
                           f"{MAX_PIXELS // 1_000_000} million)"
                image.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()  # verify() checks chunks; decoding finds a truncated body
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombWarning,
            Image.DecompressionBombError) as exc:
        return f"a damaged {_NAMES[kind].removeprefix('a ')} ({exc})"
    return None


def svg_problem(data: bytes) -> str | None:
    """Why an SVG is not inert and self-contained, or None when every part is allowed."""
    if _FORBIDDEN.search(data):
        return "a DOCTYPE, entity or stylesheet declaration"
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        return f"invalid XML ({exc})"
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        problem = _element_problem(element)
        if problem:
            return problem
    return None


def _split(name: str) -> tuple[str, str]:
    if name.startswith("{"):
        namespace, local = name[1:].split("}", 1)
        return namespace, local
    return "", name


def _element_problem(element: ET.Element) -> str | None:
    namespace, tag = _split(element.tag)
    if namespace in _EDITOR:
        return None  # an editor's own data: a browser shows and runs none of it
    if namespace != SVG or tag not in ELEMENTS:
        return f"a <{tag}> element" + ("" if namespace in (SVG, "") else f" of {namespace}")
    for name, value in element.attrib.items():
        problem = _attribute_problem(tag, name, value)
        if problem:
            return problem
    if tag == "style":
        return _stylesheet_problem("".join(element.itertext()))
    return None


def _attribute_problem(tag: str, name: str, value: str) -> str | None:
    namespace, local = _split(name)
    if namespace in _EDITOR:
        return None
    if local.lower().startswith("on"):
        return f"an event attribute {local!r}"
    if namespace == XLINK and local == "href" or namespace == "" and local == "href":
        if tag == "image" and _DATA_IMAGE.match(value.strip()):
            return None
        if not value.startswith("#") or tag == "image":
            return f"a link to {value[:40]!r}"
        return None
    if namespace == XML and local in ("space", "lang"):
        return None
    if local in _TEXT_ATTRIBUTES or local.startswith("aria-"):
        return None if not namespace else f"an attribute {local!r} of {namespace}"
    if namespace or local not in _CSS_ATTRIBUTES:
        return f"an attribute {local!r} on <{tag}>"
    if local == "style":
        return _declarations_problem(tinycss2.parse_blocks_contents(value))
    return _values_problem(tinycss2.parse_component_value_list(value))


def _stylesheet_problem(css: str) -> str | None:
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type == "at-rule":
            return f"a stylesheet rule @{rule.lower_at_keyword}"
        if rule.type == "error":
            return f"invalid CSS ({rule.message})"
        # the selector (prelude) can load nothing: only the declarations are checked
        problem = _declarations_problem(tinycss2.parse_blocks_contents(rule.content or []))
        if problem:
            return problem
    return None


def _declarations_problem(items: Iterable[Any]) -> str | None:
    for item in items:
        if item.type in ("whitespace", "comment"):
            continue
        if item.type == "error":
            return f"invalid CSS ({item.message})"
        if item.type != "declaration":
            return "a nested CSS rule" if item.type == "qualified-rule" else \
                f"a CSS {item.type}"
        if item.lower_name not in PROPERTIES:
            return f"a CSS property {item.lower_name!r}"
        problem = _values_problem(item.value)
        if problem:
            return problem
    return None


def _values_problem(values: Iterable[Any]) -> str | None:
    """url(#fragment) is the only reference; functions and at-keywords are allow-listed."""
    for token in values:
        kind = token.type
        if kind == "url":
            if not token.value.startswith("#"):
                return f"a url() reference to {token.value[:40]!r}"
        elif kind == "function":
            if token.lower_name not in FUNCTIONS:
                return f"a CSS function {token.lower_name}()"
            if token.lower_name == "url":
                args = [t for t in token.arguments if t.type not in ("whitespace", "comment")]
                target = "".join(str(getattr(t, "value", "")) for t in args)
                if len(args) != 1 or args[0].type != "string" or not target.startswith("#"):
                    return f"a url() reference to {target[:40]!r}"
            problem = _values_problem(token.arguments)
            if problem:
                return problem
        elif kind in ("() block", "[] block", "{} block"):
            problem = _values_problem(token.content)
            if problem:
                return problem
        elif kind == "at-keyword":
            return f"a CSS at-keyword @{token.lower_value}"
        elif kind == "error":
            return f"invalid CSS ({token.message})"
    return None


def published_extension(data: bytes) -> str:
    """The extension an image is published with: its real type (svg when unsure)."""
    return sniff(data) or "svg"
