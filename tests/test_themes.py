"""A theme of the data folder replaces single files of the built-in theme, or all of it.

data/themes/<name>/ may hold any of web/ (site templates, web/static/), print/ (print
templates, print/static/), rst/ (reST templates) and locales/ (labels); what it lacks comes
from themes/handbook/.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from lxml import html as lhtml
from pypdf import PdfReader

from handbook.cli import main

REPO = Path(__file__).resolve().parent.parent
VERSION = "2026.1"

SITE_LAYOUT = """\
{%- extends "!layout.html" %}
{%- block extrahead %}{{ super() }}
<link rel="stylesheet" href="{{ pathto('_static/acme.css', 1) }}">
{%- endblock %}
{%- block header %}
<div class="acme-banner">Acme intranet</div>
{{ super() }}
{%- endblock %}
"""

PRINT_PAGE = """\
{%- extends "layout.html" %}
{%- block body %}<p class="acme-print">ACME CONFIDENTIAL</p>{{ body }}{% endblock %}
"""

SECTION = """\
{% import "macros.rst.j2" as m with context %}
{% include "preamble.rst.j2" %}

.. _{{ section.anchor }}:

{{ m.heading(section.title, "=") }}

Acme edition of this chapter.

{% include "section_body.rst.j2" -%}
"""


def use_theme(data: Path, files: dict[str, str]) -> Path:
    """Write themes/acme/<path> for each file and switch the handbook to it."""
    theme = data / "themes" / "acme"
    for rel, text in files.items():
        (theme / rel).parent.mkdir(parents=True, exist_ok=True)
        (theme / rel).write_text(text, encoding="utf-8")
    meta = data / "handbook.yaml"
    meta.write_text(meta.read_text(encoding="utf-8") + "theme: acme\n", encoding="utf-8")
    return theme


def test_single_site_files_replace_the_built_in_ones(root, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = root("minimal")
    use_theme(data, {"web/layout.html": SITE_LAYOUT,
                     "web/static/acme.css": ".acme-banner { color: #fff; }\n",
                     "rst/section.rst.j2": SECTION})
    out = tmp_path / "site"
    assert main(["html", "--data", str(data), "--out", str(out), "-q"]) == 0
    site = out / VERSION / "en"
    for name in ("index.html", "basics.html", "phone.html", "search.html"):
        doc = lhtml.fromstring((site / name).read_bytes())
        assert doc.xpath("//div[@class='acme-banner']"), name
        assert doc.xpath("//link[@href='_static/acme.css']"), name
        # the rest of the built-in layout is still there
        assert doc.xpath("//form[@class='hb-search']"), name
        assert doc.xpath("//nav[@id='hb-nav']") or doc.xpath("//*[@id='hb-nav']"), name
    assert (site / "_static" / "acme.css").read_text() == ".acme-banner { color: #fff; }\n"
    assert (site / "_static" / "handbook.css").read_bytes() == \
        (REPO / "themes" / "handbook" / "web" / "static" / "handbook.css").read_bytes()
    basics = (site / "basics.html").read_text(encoding="utf-8")
    assert "Acme edition of this chapter." in basics
    assert 'id="bas-grt-001"' in basics  # the built-in section body still renders the rules
    assert "Acme edition" not in (site / "index.html").read_text(encoding="utf-8")


def test_a_static_file_of_the_theme_replaces_the_built_in_one(root, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = root("minimal")
    use_theme(data, {"web/static/handbook.css": "/* acme */\n"})
    out = tmp_path / "site"
    assert main(["html", "--data", str(data), "--out", str(out), "-q"]) == 0
    assert (out / VERSION / "en" / "_static" / "handbook.css").read_text() == "/* acme */\n"
    assert (out / VERSION / "en" / "_static" / "handbook.js").is_file()


def test_linked_theme_files_are_not_published(root, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = root("minimal")
    theme = use_theme(data, {"web/static/acme.css": "/* acme */\n"})
    secret = tmp_path / "secret.txt"
    secret.write_text("outside the data folder", encoding="utf-8")
    os.symlink(secret, theme / "web" / "static" / "leak.css")
    os.symlink(tmp_path, theme / "web" / "static" / "outside")
    out = tmp_path / "site"
    assert main(["html", "--data", str(data), "--out", str(out), "-q"]) == 0
    static = out / VERSION / "en" / "_static"
    assert (static / "acme.css").is_file()
    assert not (static / "leak.css").exists()
    assert not (static / "outside").exists()


def test_theme_labels_fill_in_from_the_built_in_theme(root, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = root("two-languages")
    use_theme(data, {"locales/zh_CN/LC_MESSAGES/theme.po":
                     'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                     'msgid "Search the handbook"\nmsgstr "在小店手册里搜索"\n'})
    out = tmp_path / "site"
    assert main(["html", "--data", str(data), "--out", str(out), "-l", "zh_CN", "-q"]) == 0
    index = (out / VERSION / "zh_CN" / "index.html").read_text(encoding="utf-8")
    assert 'placeholder="在小店手册里搜索"' in index
    assert "跳到正文" in index  # "Skip to content", from the built-in catalog


def whole_theme(data: Path, kind: str, before: str, marker: str) -> None:
    """themes/acme/<kind>/: a copy of the built-in Sphinx theme with marker put in its
    layout.html just before the text before."""
    folder = use_theme(data, {}) / kind
    shutil.copytree(REPO / "themes" / "handbook" / kind, folder)
    layout = folder / "layout.html"
    text = layout.read_text(encoding="utf-8")
    assert before in text
    layout.write_text(text.replace(before, marker + before, 1), encoding="utf-8")


def pdf_text(out: Path) -> str:
    reader = PdfReader(str(out / VERSION / "en" / "pdf" / "handbook.pdf"))
    return "".join(page.extract_text() for page in reader.pages)


def test_a_whole_site_theme_replaces_the_built_in_one(root, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = root("minimal")
    whole_theme(data, "web", '<a class="hb-skip"', '<p class="acme-whole">whole theme</p>')
    out = tmp_path / "site"
    assert main(["html", "--data", str(data), "--out", str(out), "-q"]) == 0
    assert 'class="acme-whole"' in (out / VERSION / "en" / "index.html").read_text(
        encoding="utf-8")


def test_single_print_templates_replace_the_built_in_ones(root, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = root("minimal")
    use_theme(data, {"print/page.html": PRINT_PAGE})
    out = tmp_path / "site"
    assert main(["pdf", "--data", str(data), "--out", str(out), "-q"]) == 0
    text = pdf_text(out)
    assert "ACME CONFIDENTIAL" in text
    assert "Pick up before the fourth ring" in text  # the built-in print body is still there


def test_a_whole_print_theme_replaces_the_built_in_one(root, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = root("minimal")
    whole_theme(data, "print", "{% block body %}", '<p class="acme-whole">WHOLE PRINT THEME</p>')
    out = tmp_path / "site"
    assert main(["pdf", "--data", str(data), "--out", str(out), "-q"]) == 0
    assert "WHOLE PRINT THEME" in pdf_text(out)
