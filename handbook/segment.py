"""Chinese words for the search index: jieba with its dictionary loaded a few entries at a time
(handbook/search.py cuts the indexed texts to learn the words a query is cut into).

jieba reads its whole dictionary (half a million entries, about a second) before cutting
the first sentence. An incremental build re-indexes one or two pages, so that second would
be most of its time. Every dictionary lookup jieba makes while cutting a text is a piece
of that text, so it only ever needs the single characters and the entries that start with
two neighbouring characters of the text.

The dictionary is therefore kept once per user as the single characters and shards of the
longer entries keyed by their first two characters
(``<cache>/jieba-<version>-<digest>-3.shards``), and a tokenizer's table is filled with the
shards a text needs just before the text is cut. The words are exactly jieba's; a whole
Chinese site needs a tenth of the dictionary (keyed by first character it needed nearly all).

The texts cut and their words, and the cost of every word, are kept once per user too
(``….cuts`` and ``….costs`` beside the shards; pure functions of jieba's dictionary, like
the shards), so an index made again after a one-rule edit cuts only that rule, and a clean
build, another language in the same script or another handbook cuts only texts no build
of this user has cut.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import marshal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .log import logger
from .paths import user_cache, write_atomic


@contextmanager
def _quick_jieba_import() -> Iterator[None]:
    """Import jieba without the deprecated pkg_resources (0.2 s of imports).

    jieba 0.42 imports pkg_resources only to open its own data files, and opens them with a
    plain ``open`` when the import fails, as it does where setuptools no longer ships it.
    """
    if "pkg_resources" in sys.modules:
        yield
        return
    sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # import fails at once
    try:
        yield
    finally:
        if sys.modules.get("pkg_resources", 0) is None:
            del sys.modules["pkg_resources"]


def _shard_file() -> Path:
    """The shards' file, named by jieba's code and its dictionary's head and size: found
    without importing jieba (20 ms), which a build whose texts were all cut before skips."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or spec.origin is None:  # pragma: no cover - a declared dependency
        raise ImportError("jieba is not installed")
    package = Path(spec.origin).parent
    dictionary = package / "dict.txt"  # jieba.DEFAULT_DICT_NAME
    with dictionary.open("rb") as fh:  # reading all 5 MB took 20 ms a build
        head = fh.read(65536)
    key = (package / "__init__.py").read_bytes() + head + str(dictionary.stat().st_size).encode()
    return user_cache("segment") / f"jieba-{hashlib.sha256(key).hexdigest()[:16]}-3.shards"


def _write_shards(path: Path, freq: dict[str, int], total: int) -> None:
    """(total, single characters, first character -> marshalled {first two characters ->
    marshalled entries}): opening the file unpacks a few thousand blobs, not 180,000."""
    singles: dict[str, int] = {}
    shards: dict[str, dict[str, dict[str, int]]] = {}
    for word, count in freq.items():
        if len(word) == 1:
            singles[word] = count
        else:
            shards.setdefault(word[0], {}).setdefault(word[:2], {})[word] = count
    packed = {first: marshal.dumps({pair: marshal.dumps(words) for pair, words in pairs.items()})
              for first, pairs in shards.items()}
    write_atomic(path, marshal.dumps((total, singles, packed)))  # builds may share the cache


_MEMO_LIMIT = 100_000  # texts or words; past it, those the last build did not use are dropped


class Segmenter:
    """``cut_for_search`` of jieba's default dictionary, loading only the shards it needs."""

    def __init__(self) -> None:
        self._tokenizer: Any = None  # jieba's, made when a text is first cut
        self._path = _shard_file()
        self._shards: dict[str, bytes] | None = None
        self._loaded: set[str] = set()
        self._pairs: dict[str, dict[str, bytes]] = {}  # unpacked shards by first character
        self._memo: dict[str, tuple[str, ...]] = {}
        self._used: set[str] = set()
        self._new = False  # a text was cut that the memo did not have
        self._memo_key = self._path.name

    def _open(self) -> dict[str, bytes]:
        """The shards by first two characters; empty once jieba has loaded the whole
        dictionary itself (no shard file yet, or an unreadable one)."""
        if self._shards is not None:
            return self._shards
        with _quick_jieba_import():
            import jieba

        jieba.setLogLevel(logging.WARNING)
        tokenizer = self._tokenizer = jieba.Tokenizer()
        try:
            total, singles, shards = marshal.loads(self._path.read_bytes())
            if not (isinstance(singles, dict) and isinstance(shards, dict)):
                raise ValueError("not a shard table")
        except (OSError, ValueError, EOFError, TypeError) as exc:
            logger.debug("segmentation dictionary %s: %s; loading jieba's", self._path, exc)
            tokenizer.initialize()
            try:
                _write_shards(self._path, tokenizer.FREQ, tokenizer.total)
            except OSError as error:  # a read-only cache: the next build loads it whole too
                logger.debug("cannot write %s: %s", self._path, error)
            self._shards = {}
            return self._shards
        tokenizer.FREQ, tokenizer.total, tokenizer.initialized = singles, total, True
        self._shards = shards
        return shards

    @property
    def memo_key(self) -> str:
        """What every cached cut depends on: jieba's code and its dictionary."""
        return self._memo_key

    @property
    def memo_file(self) -> Path:
        """The texts this user's builds cut, with their words."""
        return self._path.with_suffix(".cuts")

    @property
    def costs_file(self) -> Path:
        """The cost of every word this user's builds met (handbook/search.py)."""
        return self._path.with_suffix(".costs")

    def read_table(self, path: Path) -> dict[str, Any]:
        """A table kept by save_table with this dictionary ({} if none or a stale one)."""
        try:
            key, table = marshal.loads(path.read_bytes())
        except (OSError, ValueError, EOFError, TypeError):
            return {}
        return table if key == self._memo_key and isinstance(table, dict) else {}

    def save_table(self, path: Path, table: dict[str, Any], used: set[str]) -> None:
        """Keep table, merged with what other builds kept meanwhile; past _MEMO_LIMIT
        entries, only those in used. A read-only cache keeps nothing."""
        merged = {**self.read_table(path), **table}
        if len(merged) > _MEMO_LIMIT:
            merged = {key: value for key, value in merged.items() if key in used}
        try:
            write_atomic(path, marshal.dumps((self._memo_key, merged)))
        except OSError as error:
            logger.debug("cannot write %s: %s", path, error)

    def load_memo(self, path: Path | None = None) -> None:
        """Start a build with the texts earlier builds cut (memo_file by default)."""
        self._memo = self.read_table(path or self.memo_file)
        self._used, self._new = set(), False

    def save_memo(self, path: Path | None = None) -> None:
        """Keep this build's texts for the next one (nothing is written if none was cut)."""
        if self._new:
            self.save_table(path or self.memo_file, self._memo, self._used)
            self._new = False

    def cut_for_search(self, text: str) -> list[str]:
        self._used.add(text)
        words = self._memo.get(text)
        if words is None:
            words = self._memo[text] = tuple(self._cut(text))
            self._new = True
        return list(words)

    def frequency(self, word: str) -> int:
        """jieba's count of a word (0 for one its dictionary does not have)."""
        self._load(word[:2])
        return int(self._tokenizer.FREQ.get(word) or 0)

    def _load(self, text: str) -> None:
        """Put the dictionary entries that start with two neighbouring characters of text
        into the table (the single characters are in it from the start)."""
        shards = self._open()
        needed = {text[i:i + 2] for i in range(len(text) - 1)} - self._loaded
        if needed and shards:
            freq = self._tokenizer.FREQ
            for pair in needed:
                pairs = self._pairs.get(pair[0])
                if pairs is None:
                    packed = shards.get(pair[0])
                    pairs = self._pairs[pair[0]] = marshal.loads(packed) if packed else {}
                words = pairs.get(pair)
                if words is not None:
                    freq.update(marshal.loads(words))
        self._loaded |= needed

    def total(self) -> int:
        """jieba's total count, the denominator of every word's probability."""
        self._open()
        return int(self._tokenizer.total)

    def _cut(self, text: str) -> list[str]:
        self._load(text)
        return list(self._tokenizer.cut_for_search(text))


_SEGMENTER: Segmenter | None = None


def segmenter() -> Segmenter:
    """One segmenter per process: its loaded shards serve every later page and build."""
    global _SEGMENTER
    if _SEGMENTER is None:
        _SEGMENTER = Segmenter()
    return _SEGMENTER
