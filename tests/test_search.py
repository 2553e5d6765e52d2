"""Chinese search segmentation: the lazily loaded dictionary and the per-user memo cut
exactly as jieba does."""

from __future__ import annotations

import marshal
from pathlib import Path

import jieba
import pytest
import yaml

from handbook.segment import Segmenter

REPO = Path(__file__).resolve().parent.parent


def sample_texts() -> list[str]:
    """Every rule text and title of the sample handbook, and a few mixed ones."""
    texts = ["顾客走进三米范围时，主动看向顾客并露出微笑。", "Wi-Fi 密码 8 位，APP 下载 3 步",
             "", "   ", "嘉和服务集团《服务规范手册》2026 版"]
    for path in sorted((REPO / "data" / "sections").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for group in data.get("groups", []):
            for rule in group.get("rules", []):
                texts += [str(rule["title"]), str(rule["text"])]
    return texts


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HANDBOOK_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_shards_cut_exactly_like_jieba(cache: Path) -> None:
    texts = sample_texts()
    assert len(texts) > 500
    expected = [jieba.lcut_for_search(text) for text in texts]
    cold = Segmenter()  # no shards yet: jieba loads its whole dictionary and writes them
    assert [cold.cut_for_search(text) for text in texts] == expected
    shards = list((cache / "segment").glob("jieba-*.shards"))
    assert len(shards) == 1
    warm = Segmenter()  # loads only the shards of the characters it meets
    assert [warm.cut_for_search(text) for text in texts] == expected


def test_a_short_text_loads_a_small_part_of_the_dictionary(cache: Path) -> None:
    Segmenter().cut_for_search("预热")  # writes the shards
    jieba.dt.check_initialized()
    segmenter = Segmenter()
    assert segmenter.cut_for_search("投诉处理六步法") == jieba.lcut_for_search("投诉处理六步法")
    loaded = len(segmenter._tokenizer.FREQ)
    assert 0 < loaded < 0.05 * len(jieba.dt.FREQ)


def test_a_whole_site_loads_a_small_part_of_the_dictionary(cache: Path) -> None:
    """Shards keyed by two characters: the sample's 1500 characters begin most of jieba's
    entries, but few of its entries begin with two neighbouring characters of the texts."""
    texts = sample_texts()
    Segmenter().cut_for_search("预热")  # writes the shards
    jieba.dt.check_initialized()
    segmenter = Segmenter()
    assert [segmenter.cut_for_search(t) for t in texts] == [jieba.lcut_for_search(t)
                                                           for t in texts]
    assert len(segmenter._tokenizer.FREQ) < 0.15 * len(jieba.dt.FREQ)


def test_memo_serves_texts_cut_by_an_earlier_build(cache: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    first = Segmenter()
    first.load_memo()  # none yet
    words = first.cut_for_search("服务质量管理部")
    first.save_memo()
    assert first.memo_file.parent == cache / "segment"
    second = Segmenter()
    second.load_memo()

    def no_cutting(text: str) -> list[str]:
        raise AssertionError(f"cut {text!r} again")

    monkeypatch.setattr(second, "_cut", no_cutting)
    assert second.cut_for_search("服务质量管理部") == words
    with pytest.raises(AssertionError, match="cut '新的文字' again"):
        second.cut_for_search("新的文字")


@pytest.mark.parametrize("content", [
    b"not marshal data",
    marshal.dumps(("jieba 0.0.1 other.shards", {"服务": ("假", "的")})),
    marshal.dumps(["a list"]),
])
def test_a_stale_or_broken_memo_is_ignored(cache: Path, tmp_path: Path, content: bytes) -> None:
    memo = tmp_path / "memo.cuts"
    memo.write_bytes(content)
    segmenter = Segmenter()
    segmenter.load_memo(memo)
    assert segmenter.cut_for_search("服务") == jieba.lcut_for_search("服务")


def test_nothing_is_written_when_nothing_was_cut(cache: Path, tmp_path: Path) -> None:
    segmenter = Segmenter()
    segmenter.load_memo(tmp_path / "memo.cuts")
    segmenter.save_memo(tmp_path / "memo.cuts")
    assert not (tmp_path / "memo.cuts").exists()


def test_builds_sharing_the_memo_keep_each_others_texts(cache: Path) -> None:
    """Two languages built at once save the memo one after the other: the second keeps
    the first one's texts."""
    one, two = Segmenter(), Segmenter()
    one.load_memo()
    two.load_memo()
    one.cut_for_search("服务质量")
    two.cut_for_search("顾客投诉")
    one.save_memo()
    two.save_memo()
    assert set(Segmenter().read_table(one.memo_file)) == {"服务质量", "顾客投诉"}


def test_a_clean_build_cuts_no_text_an_earlier_build_cut(cache: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The cut texts and word costs are kept per user, not per project: the index of a new
    output folder (or of a language in the same script) opens no dictionary."""
    from handbook import segment
    from handbook.search import build_index, read_index

    page = ('<nav id="hb-nav"></nav><article class="hb-body"><section id="greet">'
            "<h1>问候</h1><p>顾客走进三米范围时，主动看向顾客并露出微笑。</p></section></article>")
    sites = [tmp_path / "one", tmp_path / "two"]
    for site in sites:
        site.mkdir()
        (site / "index.html").write_text(page, encoding="utf-8")
    monkeypatch.setattr(segment, "_SEGMENTER", None)
    build_index(sites[0], "zh_CN", {})  # no project cache, as in a new output folder
    monkeypatch.setattr(segment, "_SEGMENTER", None)  # a new process

    def refuse(*args: object) -> None:
        raise AssertionError("the dictionary was opened")

    monkeypatch.setattr(Segmenter, "_open", refuse)
    build_index(sites[1], "zh_CN", {})
    first, second = (read_index(site / "hb-search-index.js") for site in sites)
    assert first == second
    assert {"顾客", "微笑", "问候"} <= second["words"].keys()


def test_a_broken_shard_file_is_written_again(cache: Path) -> None:
    Segmenter().cut_for_search("预热")
    shards = next((cache / "segment").glob("jieba-*.shards"))
    shards.write_bytes(shards.read_bytes()[:1000])  # cut short, as by a full disk
    assert Segmenter().cut_for_search("投诉处理六步法") == jieba.lcut_for_search("投诉处理六步法")
    total, singles, table = marshal.loads(shards.read_bytes())
    assert total > 0 and len(singles) > 1000 and len(table) > 1000


def test_an_unwritable_cache_still_cuts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("HANDBOOK_CACHE", str(blocker / "cache"))
    assert Segmenter().cut_for_search("投诉处理六步法") == jieba.lcut_for_search("投诉处理六步法")


def test_a_rebuild_with_no_new_word_opens_no_dictionary(monkeypatch: pytest.MonkeyPatch) -> None:
    """Word costs come from the last build's; jieba's dictionary is opened only for new words
    (a one-rule rebuild otherwise spends a third of a second loading it)."""
    from handbook.search import Normaliser, vocabulary
    from handbook.segment import segmenter

    texts = ["顾客走进三米范围时主动微笑", "电话礼仪与顾客投诉"]
    normal = Normaliser({})
    first = vocabulary(texts, normal)
    assert first and all(cost > 0 for cost in first.values())

    def refuse(*args: object) -> int:
        raise AssertionError("the dictionary was opened")

    seg = segmenter()
    monkeypatch.setattr(seg, "total", refuse)
    monkeypatch.setattr(seg, "frequency", refuse)
    assert vocabulary(texts, normal, first) == first
    with pytest.raises(AssertionError, match="dictionary was opened"):
        vocabulary([*texts, "嘉和蓝标准色"], normal, first)


def test_an_index_of_texts_cut_before_imports_no_jieba(cache: Path, tmp_path: Path) -> None:
    """A new process whose texts are all in the memo neither imports jieba (20 ms) nor opens
    its dictionary: a one-rule rebuild whose words were seen before."""
    import subprocess
    import sys

    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text(
        '<article class="hb-body"><section id="greet"><h1>问候</h1>'
        "<p>顾客走进三米范围时，主动看向顾客并露出微笑。</p></section></article>",
        encoding="utf-8")
    script = ("import sys; from pathlib import Path; from handbook.search import build_index; "
              "build_index(Path(sys.argv[1]), 'zh_CN', {}); "
              "print('jieba' in sys.modules)")
    runs = [subprocess.run([sys.executable, "-c", script, str(site)], capture_output=True,
                           text=True, check=True, cwd=REPO) for _ in range(2)]
    assert [run.stdout.strip() for run in runs] == ["True", "False"]
