"""The print documents as HR hands them out and files them: cross-references with page
numbers, the rule-ID index, the acknowledgement record, archival and accessible PDFs.

Built once from tests/roots/minimal (small and fast); read-only for the tests below.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pikepdf
import pytest
from pdftools import page_texts

from handbook.cli import main
from handbook.errors import ContentError
from handbook.intent import OUTPUT_INTENT, SYSTEM_PROFILES, check_profile, find_intent

ROOTS = Path(__file__).resolve().parent / "roots"
VERSION = "2026.1"
SYSTEM_PROFILE = SYSTEM_PROFILES[0]  # Debian: libgs-common (README, .ci/run)


@pytest.fixture(scope="module")
def minimal_pdfs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The minimal root's handbook.pdf and onboarding-counter.pdf."""
    base = tmp_path_factory.mktemp("minimal-print")
    data = base / "minimal"
    shutil.copytree(ROOTS / "minimal", data)
    assert main(["pdf", "--data", str(data), "--out", str(base / "site"), "-q"]) == 0
    return base / "site" / VERSION / "en" / "pdf"


def link_targets(path: Path) -> list[tuple[int, str]]:
    """(0-based page, destination name) of every internal link, in page order."""
    found = []
    with pikepdf.open(path) as pdf:
        for number, page in enumerate(pdf.pages):
            for annot in page.obj.get("/Annots", []):
                if annot.get("/Subtype") == "/Link" and "/Dest" in annot:
                    found.append((number, str(annot.Dest)))
    return found


def destinations(path: Path) -> dict[str, int]:
    """Named destination -> 0-based page."""
    with pikepdf.open(path) as pdf:
        pages = {page.objgen: n for n, page in enumerate(pdf.pages)}
        tree = pikepdf.NameTree(pdf.Root.Names.Dests)
        return {str(name): pages[dest[0].objgen] for name, dest in tree.items()}


# --- 1. references -----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["handbook", "onboarding-counter"])
def test_see_also_is_a_link_with_the_target_page(minimal_pdfs: Path, name: str) -> None:
    path = minimal_pdfs / f"{name}.pdf"
    texts = page_texts(path)
    assert not any("\\" in text for text in texts), "backslash-escaped IDs"
    dests = destinations(path)
    see_also = [(n, line) for n, text in enumerate(texts) for line in text.splitlines()
                if line.startswith("See also")]
    assert len(see_also) == 2
    links = link_targets(path)
    for number, line in see_also:
        (rule_id, page), = re.findall(r"([A-Z]+-[A-Z]+-\d+) \(page (\d+)\)", line)
        assert (number, rule_id.lower()) in links  # a link on the same page
        assert dests[rule_id.lower()] == int(page) - 1  # to the page it names
        assert rule_id in texts[int(page) - 1]


def test_handbook_ends_with_a_rule_id_index(minimal_pdfs: Path) -> None:
    path = minimal_pdfs / "handbook.pdf"
    texts = page_texts(path)
    index = texts[-1]
    assert "Index of rule IDs" in index
    rows = re.findall(r"^([A-Z]+-[A-Z]+-\d+)\s*\.+\s*(\d+)$", index, re.M)
    assert [r for r, _ in rows] == ["BAS-GRT-001", "BAS-GRT-002", "BAS-PRM-001",
                                    "PHN-ANS-001"]
    dests = destinations(path)
    for rule_id, page in rows:
        assert dests[rule_id.lower()] == int(page) - 1
        assert rule_id in texts[int(page) - 1]
    last = len(texts) - 1
    assert sorted({d for n, d in link_targets(path) if n == last}) == [r.lower() for r, _ in rows]


# --- 2. the acknowledgement page as an HR record -----------------------------------------

ACK_FIELDS = ["Name", "Employee number", "Department", "Position", "Start date",
              "Supervisor / HR", "Employee's signature", "Supervisor's / HR signature"]


def test_acknowledgement_is_an_hr_record(minimal_pdfs: Path) -> None:
    path = minimal_pdfs / "onboarding-counter.pdf"
    texts = page_texts(path)
    last = texts[-1]
    for label in ACK_FIELDS:
        assert label in last, label
    assert last.count("Date") == 2  # employee's and supervisor's
    # one record line (wrapped to the English measure)
    assert re.search(r"Edition 2026\.1 · Effective 2026-03-01\s.*Document ID [0-9A-F-]{14}",
                     last, re.S)
    # every field line is a named destination on that page (where a roster stamps)
    dests = destinations(path)
    fields = {name: page for name, page in dests.items() if name.startswith("hb-field-")}
    assert len(fields) == 10 and set(fields.values()) == {len(texts) - 1}
    assert dests["hb-cover-name"] == dests["hb-cover-employee-id"] == 0
    assert "Employee number" in texts[0]


def test_ambiguous_theme_labels_have_a_message_context() -> None:
    from handbook.errors import Report
    from handbook.i18n import theme_labels
    from handbook.paths import THEMES

    for lang, position, role in (("zh_CN", "岗位", "用途"), ("zh_TW", "職位", "用途")):
        report = Report()
        labels = theme_labels([THEMES / "handbook", THEMES / "handbook" / "print"], lang,
                              report)
        assert report.problems == []
        assert labels["acknowledgement form\x04Position"] == position
        assert labels["VI type scale table: what a text style is used for\x04Role"] == role
        assert "Role" not in labels  # no label without its context


def test_theme_label_context_keeps_same_msgid_apart(tmp_path: Path) -> None:
    from handbook.errors import Report
    from handbook.i18n import theme_labels

    po = tmp_path / "locales" / "de" / "LC_MESSAGES" / "theme.po"
    po.parent.mkdir(parents=True)
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                  'msgctxt "form"\nmsgid "Role"\nmsgstr "Stelle"\n\n'
                  'msgctxt "table"\nmsgid "Role"\nmsgstr "Verwendung"\n\n'
                  'msgid "Date"\nmsgstr "Datum"\n', "utf-8")
    labels = theme_labels([tmp_path], "de", Report())
    assert labels == {"form\x04Role": "Stelle", "table\x04Role": "Verwendung",
                      "Date": "Datum"}


# --- 6. archival and accessible ------------------------------------------------------------


def struct_elements(pdf: pikepdf.Pdf) -> list[tuple[str, str]]:
    """(structure type, alt text) of every element of the structure tree."""
    found: list[tuple[str, str]] = []
    stack = [pdf.Root.StructTreeRoot]
    while stack:
        node = stack.pop()
        if not isinstance(node, pikepdf.Dictionary):
            continue
        if "/S" in node:
            found.append((str(node.S), str(node.get("/Alt", ""))))
        kids = node.get("/K")
        stack.extend(kids if isinstance(kids, pikepdf.Array) else [kids])
    return found


@pytest.mark.parametrize("name", ["handbook", "onboarding-counter"])
def test_pdf_is_tagged_pdf_a_and_pdf_ua(minimal_pdfs: Path, name: str) -> None:
    with pikepdf.open(minimal_pdfs / f"{name}.pdf") as pdf:
        assert pdf.Root.MarkInfo.Marked is True
        assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
        assert str(pdf.Root.Lang) == "en"
        (intent,) = pdf.Root.OutputIntents
        assert intent.S == "/GTS_PDFA1"
        meta = pdf.open_metadata()
        assert meta["pdfaid:part"] == "3" and meta["pdfaid:conformance"] == "A"
        assert meta["pdfuaid:part"] == "1"
        assert meta["dc:title"] == str(pdf.docinfo.Title)
        elements = struct_elements(pdf)
        kinds = {kind for kind, _ in elements}
        assert {"/Document", "/H1", "/P", "/Link", "/Table"} <= kinds
        assert ("/Figure", "Northwind Services Ltd") in elements  # the logo's alt text
        assert all(alt for kind, alt in elements if kind == "/Figure")


# --- 3. per-hire packs from a roster -----------------------------------------------------

ROSTER = ("name,employee_id,audience,department,start_date,supervisor,language\n"
          "Ada Lovelace,E10231,counter,Front office,2026-03-02,Grace Hopper,\n"
          "张伟,E10232,counter,营业厅,2026-03-09,李娜,en\n")


def test_roster_stamps_one_pack_per_hire(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "minimal"
    shutil.copytree(ROOTS / "minimal", data)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "hires.csv").write_text(ROSTER, "utf-8")
    assert main(["pdf", "--data", "minimal", "--roster", "hires.csv", "-q"]) == 0
    packs = tmp_path / "_build" / "packs"
    assert sorted(p.name for p in packs.iterdir()) == ["E10231-counter.pdf",
                                                      "E10232-counter.pdf"]
    assert not (tmp_path / "_build" / "site").exists()  # nothing published
    ada, zhang = (page_texts(packs / f"E1023{n}-counter.pdf") for n in (1, 2))
    assert "Ada Lovelace" in ada[0] and "E10231" in ada[0]  # the cover
    for text in ("Ada Lovelace", "E10231", "Front office", "2026-03-02", "Grace Hopper",
                 "Counter staff", "Acknowledgement"):
        assert text in ada[-1], text
    assert "张伟" in zhang[0] and "营业厅" in zhang[-1] and "李娜" in zhang[-1]
    assert "Ada" not in "".join(zhang) and "张伟" not in "".join(ada)
    # the manual, not laid out again: same pages and text elsewhere, still tagged PDF/A
    manual = next((tmp_path / "_build").glob(".site-work/cache/*/en/pack-manuals/"
                                             "onboarding-counter.pdf"))
    plain = page_texts(manual)
    assert len(ada) == len(plain) and ada[1:-1] == plain[1:-1]
    with pikepdf.open(packs / "E10231-counter.pdf") as pdf:
        assert pdf.check_pdf_syntax() == []
        assert "/StructTreeRoot" in pdf.Root
        assert pdf.open_metadata()["pdfaid:part"] == "3"
    # a second roster reuses the manual (its /ID names its content) and overwrites packs
    before = manual.stat().st_mtime_ns
    assert main(["pdf", "--data", "minimal", "--roster", "hires.csv", "--out", "elsewhere",
                 "-q"]) == 0
    assert manual.stat().st_mtime_ns == before
    assert len(list((tmp_path / "elsewhere").glob("*.pdf"))) == 2


@pytest.mark.parametrize(("roster", "messages"), [
    ("name,employee_id,audience\nAda,E1,counter\nBob,E2,cashier\n,E3,counter\n",
     ["hires.csv:3:1: ERROR: audience: expected one of counter (handbook.yaml audiences), "
      "got 'cashier' [roster.audience]",
      "hires.csv:4:1: ERROR: name: expected a value (required column), got an empty cell "
      "[roster.missing]"]),
    ("name,audience\nAda,counter\n",
     ["hires.csv:1:1: ERROR: header: expected columns name, employee_id, audience (and "
      "optionally department, start_date, supervisor, language), each once, got name, "
      "audience [roster.columns]"]),
    ("name,employee_id,audience\nAda,E1,counter\n\nBob,E1,counter\nEve,../x,counter\n",
     ["hires.csv:4:1: ERROR: employee_id: expected each employee ID once, got 'E1' again "
      "(first at line 2) [roster.duplicate]",
      "hires.csv:5:1: ERROR: employee_id: expected letters, digits, '.', '_' or '-' (it "
      "names the PDF file), got '../x' [roster.employee_id]"]),
    ("name,employee_id,audience,start_date,language\nAda,E1,counter,1.3.2026,fr\n",
     ["hires.csv:2:1: ERROR: language: expected one of en, got 'fr' [roster.language]",
      "hires.csv:2:1: ERROR: start_date: expected a date as YYYY-MM-DD, got '1.3.2026' "
      "[roster.date]"]),
])
def test_bad_roster_rows_are_located_and_nothing_is_written(
        roster: str, messages: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(ROOTS / "minimal", tmp_path / "minimal")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "hires.csv").write_text(roster, "utf-8")
    assert main(["pdf", "--data", "minimal", "--roster", "hires.csv", "-q"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[:-1] == messages
    assert err[-1].endswith("no pack written")
    assert not (tmp_path / "_build").exists()


def test_packs_never_go_into_the_published_site(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "minimal"
    shutil.copytree(ROOTS / "minimal", data)
    site = tmp_path / "site"
    (site / VERSION).mkdir(parents=True)
    (site / "versions.json").write_text("[]", "utf-8")
    (tmp_path / "hires.csv").write_text(ROSTER, "utf-8")
    code = main(["pdf", "--data", str(data), "--roster", str(tmp_path / "hires.csv"),
                 "--out", str(site / VERSION / "packs"), "-q"])
    assert code == 2
    assert "expected a folder outside the published site" in capsys.readouterr().err
    assert not (site / VERSION / "packs").exists()


# --- 4 and 5. manuals that fit their reader; the quiz and its answer key -----------------

LEAD_ONLY = """
  - id: escalation
    code: ESC
    title: Escalations for leads
    audiences: [lead]
    rules:
      - id: PHN-ESC-001
        title: Take over an escalated call
        text: A lead takes over a call the agent escalates within one minute.
assessments:
  - id: phone-quiz
    title: Phone quiz
    kind: quiz
    instructions: Answer yes or no.
    groups:
      - id: all
        title: Questions
        questions:
          - id: q01
            text: Do you pick up by the third ring?
            answer: "yes"
          - id: q02
            text: Do you eat while on a call?
            answer: "no"
    scoring:
      method: deduct
      base: 10
      per_wrong: 5
      explanation: Ten minus five for each wrong answer.
      bands:
        - {min: 0, max: 10, label: Done}
  - id: team-survey
    title: Team survey for leads
    kind: rating
    audiences: [lead]
    instructions: Rate your team.
    scale: {min: 1, max: 5, min_label: never, max_label: always}
    groups:
      - id: all
        title: Statements
        questions:
          - id: s01
            text: The team answers every call by the third ring.
    scoring:
      method: sum
      explanation: Add the ratings.
      bands:
        - {min: 0, max: 5, label: All}
"""


LEAD_PLAN = """    first_week:
      - Day one - read the basics.
      - text: Day two - take the phone quiz and practise escalations.
        refs: [phone-quiz, PHN-ESC-001]
      - text: Day three - greet with the counter team.
        refs: [basics, BAS-GRT-001]
"""


@pytest.fixture(scope="module")
def two_roles(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The minimal root with a second audience (lead), a lead-only group, a quiz for
    everyone and a rating survey for leads."""
    base = tmp_path_factory.mktemp("two-roles")
    data = base / "minimal"
    shutil.copytree(ROOTS / "minimal", data)
    meta = data / "handbook.yaml"
    meta.write_text(meta.read_text("utf-8").replace(
        "sections: [basics, phone]\n", "  - id: lead\n    name: Team leads\n"
        "    description: Whoever leads a shift.\n" + LEAD_PLAN + "sections: [basics, phone]\n"
        "classification: Internal use only\n"), "utf-8")
    phone = data / "sections" / "phone.yaml"
    phone.write_text(phone.read_text("utf-8").rstrip("\n") + "\n" + LEAD_ONLY.lstrip("\n"),
                     "utf-8")
    assert main(["pdf", "--data", str(data), "--out", str(base / "site"), "-q"]) == 0
    return base / "site" / VERSION / "en" / "pdf"


def test_groups_and_assessments_carry_audiences(two_roles: Path) -> None:
    counter = "".join(page_texts(two_roles / "onboarding-counter.pdf"))
    lead = "".join(page_texts(two_roles / "onboarding-lead.pdf"))
    handbook = "".join(page_texts(two_roles / "handbook.pdf"))
    for text in ("Escalations for leads", "PHN-ESC-001", "Team survey for leads"):
        assert text in lead and text in handbook
        assert text not in counter, text
    assert "Phone quiz" in counter and "Phone quiz" in lead


def test_quiz_questions_are_numbered_and_the_key_is_an_appendix(two_roles: Path) -> None:
    for name in ("handbook", "onboarding-counter"):
        texts = page_texts(two_roles / f"{name}.pdf")
        (quiz,) = [n for n, t in enumerate(texts) if "Do you pick up" in t]
        assert re.search(r"1\. Do you pick up by the third ring\?", texts[quiz])
        assert re.search(r"2\. Do you eat while on a call\?", texts[quiz])
        assert "Answer key" not in texts[quiz]
        (key,) = [n for n, t in enumerate(texts) if "Answer key 1" in t]
        assert key > quiz
        assert "Answer key 1 yes · 2 no" in texts[key]
        assert "Answer keys" in texts[key]
        assert f"Phone quiz · questions (page {quiz + 1})" in texts[key]
    # the acknowledgement page stays last
    assert "Acknowledgement" in page_texts(two_roles / "onboarding-counter.pdf")[-1]


def test_first_week_plan_refers_to_pages(two_roles: Path) -> None:
    path = two_roles / "onboarding-lead.pdf"
    texts = page_texts(path)
    (plan,) = [n for n, t in enumerate(texts) if "Day two - take the phone quiz" in t]
    lines = " ".join(texts[plan].split())
    dests = destinations(path)
    quiz_page = dests["phone-quiz"] + 1
    assert "Day one - read the basics." in lines
    assert (f"Day two - take the phone quiz and practise escalations. See also Phone quiz "
            f"(page {quiz_page}), PHN-ESC-001 (page {dests['phn-esc-001'] + 1})") in lines
    # a chapter by its title; a rule this manual leaves out, as in the handbook
    assert (f"Day three - greet with the counter team. See also The Basics (page "
            f"{dests['basics'] + 1}), BAS-GRT-001 (in the handbook)") in lines
    assert "Do you pick up by the third ring?" in texts[quiz_page - 1]
    assert {(plan, "phone-quiz"), (plan, "phn-esc-001"), (plan, "basics")} <= set(
        link_targets(path))


def test_unknown_plan_refs_are_located_errors(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "minimal"
    shutil.copytree(ROOTS / "minimal", data)
    meta = data / "handbook.yaml"
    meta.write_text(meta.read_text("utf-8").replace(
        "      - Day one - read this handbook and shadow a colleague.\n",
        "      - text: Day one - read this handbook and shadow a colleague.\n"
        "        refs: [BAS-GRT-001, BAS-XXX-001, phone, nowhere]\n"), "utf-8")
    assert main(["validate", "--data", str(data), "-q"]) == 1
    err = capsys.readouterr().err
    expected = ("expected the ID of a rule, phrase or case, an assessment id or a section id "
                "of this handbook, got ")
    assert f"handbook.yaml:21:29: ERROR: audiences[0].first_week[0].refs[1]: {expected}" \
        "'BAS-XXX-001' [data.reference]" in err
    assert f"handbook.yaml:21:49: ERROR: audiences[0].first_week[0].refs[3]: {expected}" \
        "'nowhere' [data.reference]" in err
    assert "2 errors" in err


# --- 8. less empty paper; footers -----------------------------------------------------------


def test_footer_names_classification_edition_and_document_id(two_roles: Path) -> None:
    for name in ("handbook", "onboarding-counter"):
        texts = page_texts(two_roles / f"{name}.pdf")
        footer = re.compile(r"Internal use only · Edition 2026\.1 · Document ID "
                            r"([0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4})")
        ids = {m[1] for text in texts[1:] if (m := footer.search(text))}
        assert len(ids) == 1, name
        assert all(footer.search(text) for text in texts[1:] if text.strip()), name
        assert not footer.search(texts[0])  # not on the cover
        assert ids.pop() in texts[1]  # the inside cover's document ID


def bookmarks(path: Path) -> list[tuple[str, int]]:
    """(title, 0-based page) of the top-level bookmarks."""
    with pikepdf.open(path) as pdf:
        pages = {page.obj.objgen: n for n, page in enumerate(pdf.pages)}
        names = pikepdf.NameTree(pdf.Root.Names.Dests)
        with pdf.open_outline() as outline:
            found = []
            for item in outline.root:
                dest = item.destination
                if isinstance(dest, (str, pikepdf.String)):
                    dest = names[str(dest)]
                found.append((item.title, pages[dest[0].objgen]))
            return found


def test_chapters_open_on_right_hand_pages_only_for_duplex(minimal_pdfs: Path,
                                                           tmp_path: Path) -> None:
    plain = minimal_pdfs / "handbook.pdf"
    assert all(text.strip() for text in page_texts(plain))  # no blank page
    assert any(page % 2 for _, page in bookmarks(plain))  # some chapter on a left page
    data = tmp_path / "minimal"
    shutil.copytree(ROOTS / "minimal", data)
    assert main(["pdf", "--data", str(data), "--out", str(tmp_path / "site"), "--duplex",
                 "--audience", "counter", "-q"]) == 0
    duplex = tmp_path / "site" / VERSION / "en" / "pdf" / "handbook.pdf"
    assert all(page % 2 == 0 for _, page in bookmarks(duplex))  # page 1, 3, 5 …
    assert len(page_texts(duplex)) > len(page_texts(plain))


# --- 7. the print-shop variant -------------------------------------------------------------

COLORS = """colors:
  - id: northwind-blue
    name: Northwind blue
    role: primary
    usage: Headings and the cover band.
    hex: "#1D4F91"
    rgb: [29, 79, 145]
    cmyk: [97, 76, 10, 1]
  - id: ink
    name: Ink
    role: text
    usage: Body text.
    hex: "#1A1A1A"
    rgb: [26, 26, 26]
    cmyk: [0, 0, 0, 90]
  - id: logo-blue
    name: Logo blue
    role: accent
    usage: The logo's blue.
    hex: "#0B4F8A"
    rgb: [11, 79, 138]
    cmyk: [95, 65, 5, 2]
  - id: paper
    name: Paper
    role: background
    usage: Pages.
    hex: "#FFFFFF"
    rgb: [255, 255, 255]
    cmyk: [0, 0, 0, 0]
"""


def page_operators(pdf: pikepdf.Pdf, number: int) -> bytes:
    contents = pdf.pages[number].obj.Contents
    streams = contents if isinstance(contents, pikepdf.Array) else [contents]
    return b"".join(s.read_bytes() for s in streams)


def all_streams(pdf: pikepdf.Pdf) -> dict[str, bytes]:
    """Every page's content and every form XObject it draws, by a readable name."""
    found = {}
    for number, page in enumerate(pdf.pages):
        found[f"page {number + 1}"] = page_operators(pdf, number)
        for name, xobject in page.obj.Resources.get("/XObject", {}).items():
            if xobject.get("/Subtype") == "/Form":
                found[f"page {number + 1} {name}"] = xobject.read_bytes()
    return found


def press_profile(description: bytes) -> bytes:
    """The system CMYK profile renamed (same length): a print shop's own profile."""
    data = SYSTEM_PROFILE.read_bytes()
    old = b"Artifex CMYK SWOP Profile"
    assert len(description) == len(old) and old in data
    return data.replace(old, description, 1)


def test_print_shop_variant_is_pdf_x4_in_cmyk_with_crop_marks(tmp_path: Path) -> None:
    data = tmp_path / "minimal"
    shutil.copytree(ROOTS / "minimal", data)
    basics = data / "sections" / "basics.yaml"
    basics.write_text(basics.read_text("utf-8").replace("groups:\n", COLORS + "groups:\n"),
                      "utf-8")
    for variant in ("screen", "print"):
        extra = ["--print"] if variant == "print" else []
        assert main(["pdf", "--data", str(data), "--out", str(tmp_path / variant),
                     "--audience", "counter", "--bleed", "3", "-q", *extra]) == 0
    screen = tmp_path / "screen" / VERSION / "en" / "pdf" / "handbook.pdf"
    printed = tmp_path / "print" / VERSION / "en" / "pdf" / "handbook.pdf"
    with pikepdf.open(screen) as pdf:
        ops = page_operators(pdf, 0)  # the cover's band is the primary colour
        assert b"0.113725 0.309804 0.568627 rg" in ops and b"DeviceCMYK" not in ops
        assert pdf.open_metadata()["pdfaid:part"] == "3"
        screen_drawings = page_operators(pdf, 3).count(b" Do\n")
    with pikepdf.open(printed) as pdf:
        meta = pdf.open_metadata()
        assert meta["pdfxid:GTS_PDFXVersion"] == "PDF/X-4"
        assert "pdfaid:part" not in meta
        # the output intent: the system's CMYK profile (no profile in the data folder)
        intent, = pdf.Root.OutputIntents
        assert intent.S == "/GTS_PDFX"
        assert str(intent.OutputConditionIdentifier) == check_profile(
            SYSTEM_PROFILE.read_bytes()) == "Artifex CMYK SWOP Profile"
        assert intent.DestOutputProfile.read_bytes() == SYSTEM_PROFILE.read_bytes()
        assert intent.DestOutputProfile.N == 4
        cover = page_operators(pdf, 0)
        assert b"/DeviceCMYK cs" in cover and b"0.97 0.76 0.1 0.01 scn" in cover
        # the logo's blue (#0B4F8A in the SVG) is the VI colour's CMYK, its gold by formula
        logo = re.findall(rb"/Figure\n.*?EMC", cover, flags=re.S)[0]
        assert b"0.95 0.65 0.05 0.02 k" in logo and b"0 0.253 0.876 0.149 k" in logo
        # no RGB colour anywhere: pages, logo, marks
        streams = all_streams(pdf)
        for name, stream in streams.items():
            assert not re.search(rb"(^|\n)[\d. ]+ (rg|RG)\n", stream), name
        page = pdf.pages[3]
        assert float(page.trimbox[0]) - float(page.mediabox[0]) == pytest.approx(3 * 72 / 25.4,
                                                                                abs=0.05)
        # crop and cross marks: one more drawing (an artifact) on every page, stroked in
        # registration colour (every ink), so they show on each separation
        assert page_operators(pdf, 3).count(b" Do\n") == screen_drawings + 1
        marks = [s for n, s in streams.items() if n.startswith("page 4 ")]
        assert marks and all(b"1 1 1 1 K" in s and b"0 0 0 RG" not in s for s in marks)


def test_print_shop_prefers_the_handbooks_own_profile(tmp_path: Path) -> None:
    data = tmp_path / "minimal"
    shutil.copytree(ROOTS / "minimal", data)
    (data / "assets" / "print").mkdir()
    (data / "assets" / "print" / "output-intent.icc").write_bytes(
        press_profile(b"Northwind Press Coated 01"))
    assert main(["pdf", "--data", str(data), "--out", str(tmp_path / "site"), "--print",
                 "--audience", "counter", "-q"]) == 0
    with pikepdf.open(tmp_path / "site" / VERSION / "en" / "pdf" / "handbook.pdf") as pdf:
        intent, = pdf.Root.OutputIntents
        assert str(intent.OutputConditionIdentifier) == "Northwind Press Coated 01"


def test_a_profile_that_is_not_cmyk_output_is_a_located_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "minimal"
    shutil.copytree(ROOTS / "minimal", data)
    (data / "assets" / "print").mkdir()
    rgb = Path("/usr/share/color/icc/ghostscript/default_rgb.icc").read_bytes()
    (data / "assets" / "print" / "output-intent.icc").write_bytes(rgb)
    assert main(["pdf", "--data", str(data), "--out", str(tmp_path / "site"), "--print",
                 "--audience", "counter", "-q"]) == 1
    err = capsys.readouterr().err
    assert "assets/print/output-intent.icc: ERROR: expected an ICC output profile (class " \
        "'prtr') in colour space 'CMYK', got class 'mntr' in 'RGB'" in err
    assert not (tmp_path / "site" / VERSION / "en" / "pdf" / "handbook.pdf").exists()


def test_intent_order_and_the_error_without_any_profile(tmp_path: Path) -> None:
    own = tmp_path / "assets" / "print" / "output-intent.icc"
    system = tmp_path / "system.icc"
    system.write_bytes(press_profile(b"System Press Profile 0001"))
    assert find_intent(tmp_path, (system,)).description == "System Press Profile 0001"
    own.parent.mkdir(parents=True)
    own.write_bytes(press_profile(b"Our Own Press Profile 001"))
    intent = find_intent(tmp_path, (system,))
    assert (intent.description, intent.source) == ("Our Own Press Profile 001", OUTPUT_INTENT)
    own.unlink()
    with pytest.raises(ContentError) as caught:
        find_intent(tmp_path, (tmp_path / "missing.icc",))
    problem, = caught.value.problems
    assert str(problem).startswith("assets/print/output-intent.icc: ERROR: expected a CMYK "
                                   "output profile for --print")
    assert "apt-get install libgs-common" in str(problem)
    with pytest.raises(ValueError, match="expected an ICC profile"):
        check_profile(b"not a profile" * 20)
