"""handbook.yaml's approval record and confidentiality notice reach the home page and the
inside cover of every print document, translated."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import yaml

from handbook.paths import Paths
from handbook.project import prepare
from handbook.render import Renderer

Root = Callable[[str], Path]
EXTRA = {"pdf_id": "x", "logo": None, "language_name": "English", "has_appendix": False}


def pages(data: Path, lang: str) -> list[str]:
    prepared = prepare(data, Paths(data, data.parent / "site"), [lang])
    renderer = Renderer(prepared.translated[lang], lang, prepared.labels[lang],
                        prepared.template_dirs)
    printed = renderer.print_pages(["field-service"], EXTRA)
    return [renderer.site_pages()["index.rst"], printed["handbook"],
            printed["onboarding-field-service"]]


def test_approval_record_and_notice_on_home_page_and_cover(root: Root) -> None:
    data = root("sample")
    for page in pages(data, "en"):
        assert "Approval record" in page and "Approved on" in page
        assert "2025\\-12\\-15" in page
        assert "General Manager’s Office Meeting" in page and "on the proposal" in page
        assert "internal document of Jiahe Service Group" in page
    for page in pages(data, "zh_TW"):
        assert "核准紀錄" in page and "總經理室會議" in page and "內部資料" in page


def test_no_approval_record_without_approvals(root: Root) -> None:
    data = root("sample")
    meta_path = data / "handbook.yaml"
    meta = yaml.safe_load(meta_path.read_text("utf-8"))
    del meta["approvals"], meta["confidentiality"]
    meta_path.write_text(yaml.safe_dump(meta, allow_unicode=True), "utf-8")
    for page in pages(data, "zh_CN"):
        assert "审批记录" not in page and "hb-confidentiality" not in page
