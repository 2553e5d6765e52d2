"""The print PDFs, checked as a print shop would: pages, paper, bleed, fonts, outline,
table of contents, links, metadata, acknowledgement pages, and the build's fetch policy."""

from __future__ import annotations

import re
from pathlib import Path

import pikepdf
import pypdf
import pytest
import yaml
from fontTools.ttLib import TTFont
from pdftools import char_fonts, fonts, page_fill, page_texts, structure_problems, text_lines

from handbook.cli import main
from handbook.errors import ContentError
from handbook.fonts import faces
from handbook.paths import Paths
from handbook.pdf import BuildDirFetcher, FetchRefused, write_pdf
from handbook.printdoc import build_print_html
from handbook.project import BuildOptions, prepare

REPO = Path(__file__).resolve().parent.parent
VERSION = "2026.1"
LANGS = ("zh_CN", "en", "zh_TW")
AUDIENCES = ("front-desk", "call-centre", "field-service", "manager")
DOCS = ("handbook", *(f"onboarding-{a}" for a in AUDIENCES))
A4 = (595.28, 841.89)
A5 = (419.53, 595.28)
LETTER = (612.0, 792.0)
MM = 72 / 25.4
IDENTIFIER = re.compile(r"\b[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}\b")
TOC_LINE = re.compile(r"^\s*(\S.*?)\s*\.{3,}\s*(\d+)\s*$")


def pdf_path(site: Path, lang: str, name: str) -> Path:
    return site / VERSION / lang / "pdf" / f"{name}.pdf"


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def outline(path: Path) -> list[tuple[int, str, int]]:
    """(level, title, 0-based page) of every bookmark, in document order."""
    reader = pypdf.PdfReader(path)
    found: list[tuple[int, str, int]] = []

    def walk(items: list, level: int) -> None:  # type: ignore[type-arg]
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                found.append((level, str(item.title), reader.get_destination_page_number(item)))

    walk(reader.outline, 1)
    return found


def sample_yaml(name: str) -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((REPO / "data" / name).read_text("utf-8"))


def close(box: object, size: tuple[float, float], tol: float = 0.6) -> bool:
    width, height = float(box.width), float(box.height)  # type: ignore[attr-defined]
    return abs(width - size[0]) < tol and abs(height - size[1]) < tol


# --- the sample handbook, built once -------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_every_pdf_is_built_and_passes_the_structure_check(sample_site: Path, lang: str) -> None:
    folder = sample_site / VERSION / lang / "pdf"
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{d}.pdf" for d in DOCS)
    for name in DOCS:
        assert structure_problems(pdf_path(sample_site, lang, name)) == []


@pytest.mark.parametrize("lang", LANGS)
def test_page_count_and_a4_paper(sample_site: Path, lang: str) -> None:
    for name in DOCS:
        reader = pypdf.PdfReader(pdf_path(sample_site, lang, name))
        assert 40 <= len(reader.pages) <= 250, (name, len(reader.pages))
        for page in reader.pages:
            assert close(page.mediabox, A4), (name, page.mediabox)
            assert close(page.trimbox, A4), (name, page.trimbox)


@pytest.mark.parametrize("lang", LANGS)
def test_metadata(sample_site: Path, lang: str) -> None:
    meta = sample_yaml("handbook.yaml")
    for name in DOCS:
        with pikepdf.open(pdf_path(sample_site, lang, name)) as pdf:
            info = pdf.docinfo
            assert str(pdf.Root.Lang) == lang.replace("_", "-")
            assert str(info["/Author"])
            assert str(info["/Title"])
            assert str(info["/Subject"])
            assert meta["version"] in str(info["/Keywords"])
            assert str(info["/CreationDate"]).startswith("D:20260101")
            assert str(info["/ModDate"]).startswith("D:20260101")
    with pikepdf.open(pdf_path(sample_site, "zh_CN", "handbook")) as pdf:
        assert str(pdf.docinfo["/Title"]) == meta["title"]
        assert str(pdf.docinfo["/Author"]) == meta["organisation"]["name"]
    with pikepdf.open(pdf_path(sample_site, "zh_CN", "onboarding-front-desk")) as pdf:
        assert "前台接待" in str(pdf.docinfo["/Title"])


@pytest.mark.parametrize("lang", LANGS)
def test_every_font_is_embedded_and_covers_the_text(sample_site: Path, lang: str) -> None:
    """Only the brand's families, all embedded and subset; no character of the
    text is missing from them (a missing one would be a system fallback or a tofu box)."""
    sections = [yaml.safe_load(p.read_text("utf-8"))
                for p in sorted((REPO / "data" / "sections").glob("*.yaml"))]
    families = {f["family"].replace(" ", "-") for s in sections for f in s.get("typography", [])}
    face_map = faces([], REPO / "data")
    covered: set[int] = set()
    for face in face_map.values():
        for path in (face.regular, face.bold):
            if path is not None:
                with TTFont(path, lazy=True) as font:
                    covered |= set(font.getBestCmap())
    for name in ("handbook", "onboarding-manager"):
        path = pdf_path(sample_site, lang, name)
        listing = fonts(path)
        assert listing
        for font in listing:
            assert any(font.family.startswith(f) for f in families), font
            assert font.embedded, f"not embedded: {font}"
            assert font.subset, f"not subset: {font}"
        text = "".join(page_texts(path))
        missing = {c for c in text if not c.isspace() and ord(c) not in covered}
        assert not missing, f"{name}: characters no brand font has: {sorted(missing)}"


def test_chinese_rule_texts_and_visible_ids(sample_site: Path) -> None:
    etiquette = sample_yaml("sections/etiquette.yaml")
    rule = next(r for g in etiquette["groups"] for r in g["rules"] if "握手" in r["title"])
    text = squash("".join(page_texts(pdf_path(sample_site, "zh_CN", "handbook"))))
    assert squash(rule["title"]) in text
    assert squash(rule["text"])[:30] in text
    assert rule["id"] in text
    zh_tw = squash("".join(page_texts(pdf_path(sample_site, "zh_TW", "handbook"))))
    assert "握手" in zh_tw and rule["id"] in zh_tw


@pytest.mark.parametrize("lang", LANGS)
def test_outline_has_every_chapter_and_its_sections(sample_site: Path, lang: str) -> None:
    marks = outline(pdf_path(sample_site, lang, "handbook"))
    chapters = [title for level, title, _ in marks if level == 1]
    forms = [f for s in sample_yaml("handbook.yaml")["sections"]
             for f in sample_yaml(f"sections/{s}.yaml").get("forms", [])]
    # + contents; appendices: each form, glossary, answer keys, rule-ID index
    assert len(chapters) == 1 + len(sample_yaml("handbook.yaml")["sections"]) + len(forms) + 3
    assert max(level for level, _, _ in marks) == 2
    if lang == "zh_CN":
        titles = [sample_yaml(f"sections/{s}.yaml")["title"]
                  for s in sample_yaml("handbook.yaml")["sections"]]
        assert chapters[1:-3 - len(forms)] == titles and chapters[-3] == "术语表"
        assert chapters[-3 - len(forms):-3] == [f["title"] for f in forms]
        etiquette = sample_yaml("sections/etiquette.yaml")
        start = [t for _, t, _ in marks].index(etiquette["title"])
        sections = [t for level, t, _ in marks[start + 1:start + 1 + len(etiquette["groups"])]]
        assert sections == [g["title"] for g in etiquette["groups"]]
    for doc in DOCS[1:]:
        onboarding = [t for level, t, _ in outline(pdf_path(sample_site, lang, doc))
                      if level == 1]
        # + first week and acknowledgement; no forms, no glossary, no rule-ID index
        assert len(onboarding) == len(chapters) - len(forms)
        assert onboarding[0] == chapters[0]  # both open with their contents


@pytest.mark.parametrize(("lang", "name"), [("zh_CN", "handbook"), ("en", "handbook"),
                                            ("zh_TW", "onboarding-front-desk"),
                                            ("zh_CN", "onboarding-field-service")])
def test_toc_page_numbers_are_where_the_headings_are(sample_site: Path, lang: str,
                                                    name: str) -> None:
    path = pdf_path(sample_site, lang, name)
    texts = page_texts(path)
    marks = outline(path)
    toc_page = marks[0][2]
    first_chapter = marks[1][2]
    # (an onboarding manual's first chapter follows its short contents on the same page)
    toc = [(squash(m[1]), int(m[2])) for text in texts[toc_page:first_chapter + 1]
           for line in text.splitlines() if (m := TOC_LINE.match(line))]
    # an onboarding manual's contents list its chapters only
    expected = [(squash(title), page + 1) for level, title, page in marks[1:]
                if name == "handbook" or level == 1]
    assert toc == expected
    for _, title, page in marks:
        assert squash(title) in squash(texts[page]), (title, page + 1)
    # the handbook's chapters open on a new page (on right-hand ones only with --duplex;
    # an onboarding manual's run on); the folio says "page n of N"
    if name == "handbook":
        assert all(squash(title) in squash(texts[page][:200])
                   for level, title, page in marks if level == 1)
    folio = [line for line in texts[-1].splitlines() if line.strip()][-1]
    # the numbers as words of their own (the document ID beside them may hold the digits)
    assert re.findall(r"(?<![\w-])\d+(?![\w-])", folio).count(str(len(texts))) == 2, folio


def test_toc_links_jump_to_the_headings(sample_site: Path) -> None:
    path = pdf_path(sample_site, "zh_CN", "handbook")
    reader = pypdf.PdfReader(path)
    named = reader.named_destinations
    assert all(re.fullmatch(r"[a-z0-9-]+", name) for name in named), "ids must be ASCII"
    marks = outline(path)
    toc_pages = range(marks[0][2], marks[1][2])
    targets = []
    for index in toc_pages:
        for annot in reader.pages[index].get("/Annots", []):
            annot = annot.get_object()
            if annot.get("/Subtype") == "/Link" and "/Dest" in annot:
                dest = str(annot["/Dest"])
                if dest not in targets:
                    targets.append(dest)
    pages = [reader.get_destination_page_number(named[d]) for d in targets]
    assert pages == [page for _, _, page in marks[1:]]
    # see-also references are internal links too
    body_links = [a.get_object() for p in reader.pages[marks[1][2]:]
                  for a in p.get("/Annots", [])]
    assert any("/Dest" in a for a in body_links)


def test_onboarding_manual_holds_only_what_applies(sample_site: Path) -> None:
    # a group's audiences apply to its rules (like a rule's own)
    rules = [(r["id"], g.get("audiences", []), r.get("audiences", []))
             for name in sample_yaml("handbook.yaml")["sections"]
             for g in sample_yaml(f"sections/{name}.yaml").get("groups", [])
             for r in g["rules"]]
    meta = sample_yaml("handbook.yaml")
    for audience in meta["audiences"]:
        text = "".join(page_texts(pdf_path(sample_site, "zh_CN",
                                           f"onboarding-{audience['id']}")))
        for rule_id, group, audiences in rules:
            if all(not a or audience["id"] in a for a in (group, audiences)):
                assert rule_id in text, (audience["id"], rule_id)
        flat = squash(text)
        for step in audience["first_week"]:
            assert squash(step if isinstance(step, str) else step["text"]) in flat
    handbook = "".join(page_texts(pdf_path(sample_site, "zh_CN", "handbook")))
    assert all(rule_id in handbook for rule_id, *_ in rules)


def test_onboarding_leaves_out_rules_for_other_roles(sample_site: Path) -> None:
    only_field = [r for name in sample_yaml("handbook.yaml")["sections"]
                  for g in sample_yaml(f"sections/{name}.yaml").get("groups", [])
                  for r in g["rules"] if r.get("audiences") == ["field-service"]]
    assert only_field, "the sample has rules only for field-service"
    front = squash("".join(page_texts(pdf_path(sample_site, "zh_CN",
                                               "onboarding-front-desk"))))
    field = squash("".join(page_texts(pdf_path(sample_site, "zh_CN",
                                               "onboarding-field-service"))))
    for rule in only_field:
        assert squash(rule["title"]) in field
        assert squash(rule["title"]) not in front


@pytest.mark.parametrize("lang", ["zh_CN"])  # the source language (the goal of issue #14)
def test_front_line_manuals_are_at_most_60_percent_of_the_handbook(sample_site: Path,
                                                                   lang: str) -> None:
    handbook = len(page_texts(pdf_path(sample_site, lang, "handbook")))
    for audience in AUDIENCES:
        pages = len(page_texts(pdf_path(sample_site, lang, f"onboarding-{audience}")))
        if audience != "manager":
            assert pages <= 0.6 * handbook, (audience, pages, handbook)
        if lang == "zh_CN":  # the managers' team survey only in their manual
            text = squash("".join(page_texts(pdf_path(sample_site, lang,
                                                      f"onboarding-{audience}"))))
            assert ("公司理念与组织氛围" in text) == (audience == "manager"), audience


@pytest.mark.parametrize("lang", LANGS)
def test_acknowledgement_page_ends_each_onboarding_manual(sample_site: Path, lang: str) -> None:
    identifiers = set()
    for audience in AUDIENCES:
        path = pdf_path(sample_site, lang, f"onboarding-{audience}")
        texts = page_texts(path)
        marks = outline(path)
        level, title, page = marks[-1]
        assert (level, page) == (1, len(texts) - 1), "the acknowledgement is the last page"
        last = texts[-1]
        assert squash(title) in squash(last)
        assert VERSION in last
        (identifier,) = set(IDENTIFIER.findall(last))
        assert identifier in texts[1], "the inside cover names the same PDF identifier"
        identifiers.add(identifier)
        assert len([line for line in last.splitlines() if line.strip()]) >= 8  # a whole form
    assert len(identifiers) == len(AUDIENCES)
    handbook = page_texts(pdf_path(sample_site, lang, "handbook"))
    assert IDENTIFIER.search(handbook[1])


def test_cover_names_organisation_title_edition_language(sample_site: Path) -> None:
    meta = sample_yaml("handbook.yaml")
    cover = squash(page_texts(pdf_path(sample_site, "zh_CN", "onboarding-manager"))[0])
    for text in (meta["organisation"]["name"], meta["title"], meta["version"],
                 str(meta["effective"]), "简体中文", "管理人员"):
        assert squash(text) in cover, text
    governance = squash(page_texts(pdf_path(sample_site, "zh_CN", "handbook"))[1])
    for name in meta["sections"]:
        section = sample_yaml(f"sections/{name}.yaml")
        assert squash(section["title"]) in governance
        assert str(section["governance"]["review_due"]) in governance


@pytest.mark.parametrize("lang", LANGS)
def test_no_page_holds_only_a_heading(sample_site: Path, lang: str) -> None:
    """A heading whose content moved to the next page (a widow) leaves a near-empty page."""
    for name in ("handbook", "onboarding-manager"):
        texts = page_texts(pdf_path(sample_site, lang, name))
        for number, text in enumerate(texts, 1):
            lines = [line for line in text.splitlines() if line.strip()]
            # blank versos before a chapter have no text at all; a real page has more than
            # its running head, folio and one heading
            assert not 0 < len(lines) <= 4, (name, number, lines)


def chapter_ends(path: Path) -> set[int]:
    """0-based pages a chapter (a top-level bookmark) ends on: the page before the next
    chapter opens, and the last page."""
    starts = {page for level, _, page in outline(path) if level == 1}
    return {page - 1 for page in starts} | {len(page_texts(path)) - 1}


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_no_page_under_20_percent_filled_but_chapter_ends(sample_site: Path, lang: str) -> None:
    """Less empty paper: a page is under 20 % filled only where a chapter ends (the cover
    is a page of its own)."""
    for name in DOCS:
        path = pdf_path(sample_site, lang, name)
        fills = page_fill(path)
        ends = chapter_ends(path)
        sparse = [(n + 1, round(100 * f)) for n, f in enumerate(fills)
                  if f < 0.2 and n > 0 and n not in ends]
        assert sparse == [], (name, sparse)


LEADERS = re.compile(r"\.{4,}|\s\d+$")  # contents and index lines: dot leaders, page


def test_english_lines_are_at_most_80_characters(sample_site: Path) -> None:
    for name in ("handbook", "onboarding-front-desk"):
        lines = [(n + 1, line) for n, page in enumerate(text_lines(
                 pdf_path(sample_site, "en", name))) for line in page
                 if not LEADERS.search(line)]
        assert len(lines) > 1000
        longest = max(lines, key=lambda item: len(item[1]))
        assert len(longest[1]) <= 80, (name, longest)


def sentence_case(title: str) -> bool:
    """Only the first word capitalised, besides acronyms (MI, IDs) and proper names."""
    words = re.findall(r"[A-Za-z][A-Za-z’'-]*", title.split(" / ")[0])
    proper = {"Jiahe"}
    return bool(words) and words[0][0].isupper() and all(
        not w[0].isupper() or sum(c.isupper() for c in w) > 1 or w in proper
        for w in words[1:])


def test_english_chapter_titles_are_sentence_case(sample_site: Path) -> None:
    for name in DOCS:
        titles = [title for level, title, _ in outline(pdf_path(sample_site, "en", name))
                  if level == 1]
        assert len(titles) >= 10
        assert [t for t in titles if not sentence_case(t)] == [], name
    for page in ("standards", "phrases"):  # the site's chapter pages too
        html = (sample_site / VERSION / "en" / f"{page}.html").read_text("utf-8")
        assert f"Service {page}" in html and f"Service {page.title()}" not in html


@pytest.mark.parametrize("lang", ["zh_CN", "zh_TW"])
def test_chinese_quotes_come_from_the_cjk_font(sample_site: Path, lang: str) -> None:
    cjk = {"zh_CN": "Kurinto-Sans-SC", "zh_TW": "Kurinto-Sans-TC"}[lang]
    found = char_fonts(pdf_path(sample_site, lang, "handbook"), "“”‘’「」『』")
    assert sum(found.values()) > 50
    assert {font for (_, font) in found} <= {cjk, f"{cjk}-Bold"}, found


def test_site_links_the_pdf(sample_site: Path) -> None:
    index = (sample_site / VERSION / "zh_CN" / "index.html").read_text("utf-8")
    assert 'pdf/handbook.pdf' in index


# --- print sources, paper, bleed, reproducibility ----------------------------------------


def test_print_html_builds_without_warnings_and_ids_on_headings(root, tmp_path: Path  # type: ignore[no-untyped-def]
                                                                 ) -> None:
    """Zero Sphinx warnings; every h1/h2 carries one ASCII id, unique in its document,
    and no <section> carries one (it may start on the page before the heading)."""
    from lxml import html as lhtml

    data = root("sample")
    paths = Paths(data, tmp_path / "site")
    prepared = prepare(data, paths, None)
    for lang in prepared.languages:
        options = BuildOptions(paths=paths, audiences=["manager"])
        docs, html_root, problems = build_print_html(prepared, lang, options,
                                                     paths.cache(VERSION, lang))
        assert [str(p) for p in problems] == []
        assert [d.name for d in docs] == ["handbook", "onboarding-manager"]
        for doc in docs:
            tree = lhtml.parse(str(html_root / doc.name / f"{doc.name}.html")).getroot()
            assert not tree.xpath("//section[@id]")
            ids = tree.xpath("//@id")
            assert len(ids) == len(set(ids)), "duplicate ids"
            headings = tree.xpath("//h1 | //h2")
            assert headings
            for heading in headings:
                assert re.fullmatch(r"[a-z0-9][a-z0-9-]*", heading.get("id", "")), \
                    lhtml.tostring(heading)
            for link in tree.xpath("//nav[contains(@class,'contents')]//a/@href"):
                (target,) = tree.xpath(f"//*[@id='{link[1:]}']")
                assert target.tag in ("h1", "h2")


def _small_sample(data: Path) -> Path:
    """The sample handbook cut down to its phrase library (fast to lay out)."""
    meta_path = data / "handbook.yaml"
    meta = yaml.safe_load(meta_path.read_text("utf-8"))
    meta["sections"] = ["phrases"]
    meta["release"]["required_sections"] = ["phrases"]
    for audience in meta["audiences"]:  # plan steps may name rules of the other chapters
        audience["first_week"] = [step["text"] if isinstance(step, dict) else step
                                  for step in audience.get("first_week", [])]
    meta_path.write_text(yaml.safe_dump(meta, allow_unicode=True), "utf-8")
    for section in (data / "sections").glob("*.yaml"):
        if section.stem != "phrases":
            section.unlink()
    return data


def test_a5_with_bleed_is_reproducible(root, tmp_path: Path,  # type: ignore[no-untyped-def]
                                       capsys: pytest.CaptureFixture[str]) -> None:
    data = _small_sample(root("sample"))
    argv = ["pdf", "--data", str(data), "-l", "zh_CN", "--audience", "front-desk",
            "--paper", "A5", "--bleed", "3", "-q"]
    assert main([*argv, "--out", str(tmp_path / "one")]) == 0
    assert capsys.readouterr().err == ""  # no warning at all
    folder = tmp_path / "one" / VERSION / "zh_CN" / "pdf"
    assert sorted(p.name for p in folder.iterdir()) == ["handbook.pdf",
                                                        "onboarding-front-desk.pdf"]
    bleed = 3 * MM
    for name in ("handbook", "onboarding-front-desk"):
        reader = pypdf.PdfReader(folder / f"{name}.pdf")
        assert len(reader.pages) > 6
        for page in reader.pages:
            assert close(page.trimbox, A5), page.trimbox
            assert close(page.mediabox, (A5[0] + 2 * bleed, A5[1] + 2 * bleed)), page.mediabox
            assert float(page.trimbox.left) - float(page.mediabox.left) == pytest.approx(
                bleed, abs=0.05)
        assert outline(folder / f"{name}.pdf")
    # the same input gives the same bytes, whatever the output folder
    assert main([*argv, "--out", str(tmp_path / "two")]) == 0
    for name in ("handbook", "onboarding-front-desk"):
        first = (folder / f"{name}.pdf").read_bytes()
        second = (tmp_path / "two" / VERSION / "zh_CN" / "pdf" / f"{name}.pdf").read_bytes()
        assert first == second, name


def test_english_source_on_letter_paper(root, tmp_path: Path  # type: ignore[no-untyped-def]
                                        ) -> None:
    data = root("minimal")
    out = tmp_path / "site"
    assert main(["pdf", "--data", str(data), "--out", str(out), "--paper", "Letter",
                 "-q"]) == 0
    folder = out / VERSION / "en" / "pdf"
    assert sorted(p.name for p in folder.iterdir()) == ["handbook.pdf",
                                                        "onboarding-counter.pdf"]
    reader = pypdf.PdfReader(folder / "handbook.pdf")
    assert all(close(p.mediabox, LETTER) for p in reader.pages)
    text = "".join(page_texts(folder / "handbook.pdf"))
    assert "Greet within ten seconds" in text and "BAS-GRT-001" in text
    manual = "".join(page_texts(folder / "onboarding-counter.pdf"))
    assert "Day one - read this handbook" in manual
    with pikepdf.open(folder / "handbook.pdf") as pdf:
        assert str(pdf.docinfo["/Author"]) == "Northwind Services Ltd"
        assert str(pdf.Root.Lang) == "en"
        assert str(pdf.docinfo["/CreationDate"]).startswith("D:20260301")


def test_unknown_audience_is_a_usage_error(root, tmp_path: Path,  # type: ignore[no-untyped-def]
                                          capsys: pytest.CaptureFixture[str]) -> None:
    data = root("minimal")
    code = main(["pdf", "--data", str(data), "--out", str(tmp_path / "site"),
                 "--audience", "nobody"])
    assert code == 2
    assert "--audience: unknown audience nobody: expected one of counter" in \
        capsys.readouterr().err


# --- what WeasyPrint may read --------------------------------------------------------------


def test_fetcher_reads_only_the_build_folder_and_data_urls(tmp_path: Path) -> None:
    root = tmp_path / "build"
    root.mkdir()
    (root / "a.css").write_text("p { color: red }", "utf-8")
    (tmp_path / "secret.txt").write_text("no", "utf-8")
    fetcher = BuildDirFetcher(root)
    response = fetcher.fetch((root / "a.css").as_uri())
    assert response.read() == b"p { color: red }" and response.content_type == "text/css"
    assert fetcher.fetch("data:text/plain;base64,aGk=").read() == b"hi"
    refused = [(tmp_path / "secret.txt").as_uri(), (root / ".." / "secret.txt").as_uri(),
               "http://example.com/logo.png", "https://example.com/font.ttf",
               "ftp://example.com/x", "file:///etc/passwd"]
    for url in refused:
        with pytest.raises(FetchRefused, match="refused to fetch"):
            fetcher.fetch(url)
    with pytest.raises(FetchRefused, match="no such file"):
        fetcher.fetch((root / "missing.png").as_uri())


@pytest.mark.parametrize("reference", [
    '<img src="http://example.com/tracker.png">',
    '<link rel="stylesheet" href="https://example.com/x.css">',
    '<img src="../outside.png">',
    '<style>@font-face { font-family: X; src: url(file:///etc/hostname); } '
    'p { font-family: X }</style>',
])
def test_layout_fails_closed_on_outside_references(tmp_path: Path, reference: str) -> None:
    root = tmp_path / "build"
    root.mkdir()
    (tmp_path / "outside.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    html = root / "doc.html"
    html.write_text(f"<html><head>{reference}</head><body><p>text</p></body></html>", "utf-8")
    with pytest.raises(ContentError, match="refused to fetch"):
        write_pdf(html, root / "doc.pdf", root, b"0" * 32)
    assert not (root / "doc.pdf").exists()
    assert not list(root.glob("*.tmp"))
