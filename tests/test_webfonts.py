"""Web-font slices: a rebuild reads again only the pages whose HTML changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from handbook import webfonts
from handbook.fonts import faces


def _site(folder: Path, pages: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, body in pages.items():
        (folder / name).write_text(f'<html lang="zh-CN"><body><h1>{body[:2]}</h1><p>{body}</p>'
                                   '</body></html>', encoding="utf-8")
    return folder


def test_a_rebuild_reads_only_the_changed_pages(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    face_map = faces([], tmp_path)
    site = _site(tmp_path / "site", {"a.html": "顾客走进三米范围时主动微笑",
                                     "b.html": "电话铃响三声之内接听"})
    memo, cache = tmp_path / "doctrees", tmp_path / "fonts"
    memo.mkdir()
    webfonts.install_web_fonts(site, face_map, cache, "zh_CN", memo)
    first = (site / "_static" / "fonts.css").read_text(encoding="utf-8")
    _site(site, {"b.html": "电话铃响两声之内接听"})
    read: list[str] = []
    page_chars = webfonts._page_chars

    def counting(html: str) -> object:
        read.append(html)
        return page_chars(html)

    monkeypatch.setattr(webfonts, "_page_chars", counting)
    webfonts.install_web_fonts(site, face_map, cache, "zh_CN", memo)
    assert len(read) == 1 and "两声" in read[0]
    again = (site / "_static" / "fonts.css").read_text(encoding="utf-8")
    # the same as a build without the memo
    fresh = _site(tmp_path / "fresh", {"a.html": "顾客走进三米范围时主动微笑",
                                       "b.html": "电话铃响两声之内接听"})
    webfonts.install_web_fonts(fresh, face_map, cache, "zh_CN")
    assert again == (fresh / "_static" / "fonts.css").read_text(encoding="utf-8") != first


def test_fonts_are_not_cut_again_when_no_character_changed(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    face_map = faces([], tmp_path)
    site = _site(tmp_path / "site", {"a.html": "顾客走进三米范围时主动微笑"})
    memo = tmp_path / "doctrees"
    memo.mkdir()
    webfonts.install_web_fonts(site, face_map, tmp_path / "fonts", "zh_CN", memo)
    css = (site / "_static" / "fonts.css").read_text(encoding="utf-8")
    files = sorted(p.name for p in (site / "_static" / "fonts").iterdir())

    def refuse(*args: object) -> None:
        raise AssertionError("a font was cut again")

    monkeypatch.setattr(webfonts, "subset_font", refuse)
    _site(site, {"a.html": "顾客" + "走进三米范围时主动微笑"[::-1]})  # the same characters
    webfonts.install_web_fonts(site, face_map, tmp_path / "fonts", "zh_CN", memo)
    assert (site / "_static" / "fonts.css").read_text(encoding="utf-8") == css
    assert sorted(p.name for p in (site / "_static" / "fonts").iterdir()) == files
    _site(site, {"a.html": "顾客走进五米范围时主动微笑"})  # 五 is new
    with pytest.raises(AssertionError, match="cut again"):
        webfonts.install_web_fonts(site, face_map, tmp_path / "fonts", "zh_CN", memo)
