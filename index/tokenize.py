"""Tokens for BM25 and for matching a question's words, from jieba plus a domain word list.

Conventions (the same for documents and questions, so a question's "932.7" meets the briefing's):
- An Arabic number is one token in canonical form: "932.7 万元" → "932.7", "万元"; "1,264.50" → "1264.5".
  A Chinese numeral before a measure word, or of three or more characters, takes the same form
  ("四十六个" → "46", "个"; "二〇二二年" → "2022", "年").
- Words are cut by jieba (HMM on) with `index/data/domain_words.txt` added; a word of three or more
  characters also yields the words it is made of ("消薄飞地" → "消薄飞地", "消薄", "飞地";
  "山海协作产业园" → … "山海协作", "山海", "协作", "产业园"), so a question's shorter word still meets a
  longer one.
- Latin words are lower-cased; punctuation and whitespace are dropped.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
import unicodedata
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from index.datafiles import tsv_rows
from index.figures import normalise_number
from index.glossary import glossary_terms, is_english
from index.memo import QUESTIONS, SENTENCES
from index.synonyms import documents_words

__all__ = ["arabic_years", "is_stop_word", "keep_cache_in", "key_terms", "places", "query_tokens", "tokens", "years"]

_PIECE = re.compile(
    r"(?P<num>\d+(?:,\d{3})*(?:\.\d+)?)|(?P<lat>[a-z]+(?:\d+(?:\.\d+)?)?)|(?P<han>[\u3007\u3400-\u9fff]+)"
)
# Bounded like the figures' numerals: a run longer than any number is read 25 characters at a time.
_CN_NUMERAL = re.compile(r"[零〇一二三四五六七八九十两][零〇一二三四五六七八九十两百千万亿]{1,24}")
_MEASURE = frozenset("个家名人位项年月日天万亿千百元倍期次所座户村镇条件套台辆亩成")
_KEY_TAGS = {"ns", "nt", "nz"}
_PLACE_SUFFIX = {"省", "市", "县", "区", "镇", "乡", "村", "州"}
_ADMIN_SUFFIX = re.compile(r"(?:维吾尔自治区|壮族自治区|回族自治区|自治区|自治州|地区|省|市|县)$")
_ORGANISATION = re.compile(r"(?:局|委|办|厅|部|院|会|所|中心|公司|集团|银行|大学|学院|政府)$")
_TITLE = re.compile(r"市长|县长|省长|书记|主任|局长|部长|厅长|区长|镇长|乡长|村长|同志|主席|委员")
_YEAR = re.compile(r"(?<![\d.])(?:19|20)\d{2}(?![\d.])\s*(?P<next>.?)")
# "一九八○年": older reports write the zero of a year as a white circle (○) as often as 〇.
_CN_YEAR = re.compile(r"[〇○零一二三四五六七八九]{4}(?=年)")
# A year that names a report, not what is asked of it: "1975年的报告里说…", "the December 1964 report", "As of the
# 1988 government work report".
# Each space between its parts is bounded: as "\s*" five times over, "2022" and 400 spaces took 69 s (a sentence's
# years are read too).
_REPORT_YEAR = re.compile(
    r"(?P<zh>(?:19|20)\d{2})(?:[ \t]{0,2}年)?(?:[ \t]{0,2}\d{1,2}[ \t]{0,2}月)?[ \t]{0,2}的?[ \t]{0,2}"
    r"(?:政府)?(?:工作)?报告"
    r"|(?i:\b(?P<en>(?:19|20)\d{2})(?:'s)?[ \t]{1,3}(?:government[ \t]{1,3})?(?:work[ \t]{1,3})?reports?\b)"
)


def _words(*lines: str) -> frozenset[str]:
    return frozenset(" ".join(lines).split())


_ZH_STOP = _words(
    "请问 请 问 多少 多少钱 什么 哪些 哪个 哪里 哪儿 哪 了 吗 的 是 有 怎么 怎么样",
    "怎样 如何 呢 吧 啊 呀 么 几 几个 几家 几名 几位 个 为什么 为何 谁 何时 何处",
    "什么样 一下 告诉 我 你 我们 你们 想 知道 共 一共 总共 到底 都 在 和 与 及 对",
    "把 被 给 让 从 向 得 地 着 过 这 那 这个 那个 其 之 所 该 还 又 也 就 能 可以",
    "会 要 目前 现在 截至 截止 情况 方面 一些 里 中 时候 哪一年 哪年 哪天 多久",
    "是否 有没有 是不是 到",
)
_EN_STOP = _words(
    "a an the of in on at to for from by with and or but is are was were be been being do does did",
    "has have had how what which who whom whose when where why much many this that these those there",
    "their they it its i we you me my our your please can could would should will shall may might tell",
    "about so far up as into than then also any some total number amount since per year years done get",
    "got give",
)
_EN_KEY_STOP = _words("china chinese prc government province provincial city county briefing report")


@dataclass(frozen=True)
class _Vocab:
    cutter: Any  # jieba.Tokenizer
    tagger: Any  # jieba.posseg.POSTokenizer
    tags: dict[str, str]  # domain word → tag
    never_key: frozenset[str]  # words tagged "-": generic, never a key term
    aliases: tuple[tuple[re.Pattern[str], str], ...]  # English phrase → domain word


_lock = threading.Lock()
_vocab: _Vocab | None = None
_cache_folder: Path | None = None  # see keep_cache_in


def is_stop_word(word: str) -> bool:
    """A word no question is about ("what", "was", "多少"): never searched for."""
    return word in _ZH_STOP or word in _EN_STOP


def tokens(text: str) -> list[str]:
    """Document tokens: numbers whole and canonical, jieba words with the words inside them."""
    v = _load()
    out: list[str] = []
    for m in _PIECE.finditer(_normalise(text)):
        if m.group("num"):
            out.append(normalise_number(m.group("num")))
        elif m.group("lat"):
            out.append(m.group("lat"))
        else:
            out.extend(_cut_han(v, m.group("han")))
    return out


def query_tokens(text: str) -> list[str]:
    """Question tokens: content words only, each once; English aliases and glossary phrases add their Chinese words,
    everyday Chinese words the documents' words for them (index/synonyms.py)."""
    return list(_query_tokens(text))


@functools.lru_cache(maxsize=QUESTIONS)
def _query_tokens(text: str) -> tuple[str, ...]:
    v = _load()
    found = [t for t in tokens(text) if t not in _ZH_STOP and t not in _EN_STOP]
    low = _normalise(text)
    found += [word for pattern, word in v.aliases if pattern.search(low)]
    found += [t for term in glossary_terms(text) for t in tokens(term.chinese) if t not in _ZH_STOP]
    if not is_english(text):
        found += [t for word in documents_words(text) for t in tokens(word) if t not in _ZH_STOP]
    found += [t for word in found[:] if word in v.tags for t in _expand(v, word) if t != word]
    return tuple(dict.fromkeys(found))


def key_terms(question: str) -> list[str]:
    """The names the evidence must contain: places, organisations, programmes and years, as written
    in Chinese ("余姚", "消薄飞地", "2022年"); administrative suffixes dropped ("松阳县" → "松阳").

    English names become their Chinese domain words; an unknown pinyin-like name is kept as written,
    so a question about a place the briefings never mention finds no evidence.
    """
    return list(_key_terms(question))


@functools.lru_cache(maxsize=QUESTIONS)
def _key_terms(question: str) -> tuple[str, ...]:
    v = _load()
    text = unicodedata.normalize("NFKC", question)
    found: list[tuple[int, str]] = [(pos, f"{year}年") for pos, year in _years(text)]
    for pos, name, _ in _names(v, text):
        name = _stem(name)
        # a long name jieba found ("上海浦东新区") is matched by its parts, which sources write apart
        parts = [name] if name in v.tags or len(name) < 5 else [_stem(p) for p in _parts(v.cutter, name)]
        found += [(pos, word) for word in parts if len(word) >= 2 and word not in v.never_key]
    low = text.lower()
    covered: list[tuple[int, int]] = []
    for pattern, word in v.aliases:
        if (m := pattern.search(low)) is not None:
            covered.append(m.span())
            if v.tags.get(word) in _KEY_TAGS:
                found.append((m.start(), word))
    for term in glossary_terms(text):  # an English question's names, in the documents' Chinese
        covered.append((term.start, term.end))
        if term.name:
            found.append((term.start, term.chinese))
    for m in re.finditer(r"\b[A-Z][a-z]+\b", text):
        name = m.group().lower()
        known = any(a <= m.start() < b for a, b in covered)
        if not known and name not in _EN_STOP and name not in _EN_KEY_STOP and _is_pinyin_name(name):
            found.append((m.start(), m.group()))
    return tuple(dict.fromkeys(word for _, word in sorted(found, key=lambda x: x[0])))


def years(text: str) -> list[int]:
    """Years a text names, in order: "2022年", "2022 年", "二〇二二年", "in 2022" (not "2000万元")."""
    return [year for _, year in _years(unicodedata.normalize("NFKC", text))]


def report_years(text: str) -> list[int]:
    """Years a text names as a report's ("1975年的报告", "the 1964 report"): which document, not whose figures."""
    return [int(m.group("zh") or m.group("en")) for m in _REPORT_YEAR.finditer(unicodedata.normalize("NFKC", text))]


def _years(text: str) -> list[tuple[int, int]]:
    reports = {m.start("zh") if m.group("zh") else m.start("en") for m in _REPORT_YEAR.finditer(text)}
    found = [
        (m.start(), int(m.group()[:4])) for m in _YEAR.finditer(text)
        if m.start() not in reports
        and (m.group("next") in {"", "年", "第"} or not re.match(r"[\u3400-\u9fff%]", m.group("next")))
    ]
    found += [(m.start(), int(_chinese_year(m.group())[:4])) for m in _CN_YEAR.finditer(text)]
    return sorted(found)


def places(text: str) -> list[str]:
    """Place names in `text` as written ("松阳", "大东坝镇", "中意启迪科技城"), generic words left out."""
    return list(_places(text))


@functools.lru_cache(maxsize=SENTENCES)
def _places(text: str) -> tuple[str, ...]:
    return tuple(word for _, word, tag in _names(_load(), unicodedata.normalize("NFKC", text)) if tag == "ns")


def _names(v: _Vocab, text: str) -> list[tuple[int, str, str]]:
    """(position, word, tag) of every place, organisation, programme or person name jieba finds."""
    out: list[tuple[int, str, str]] = []
    pos = 0
    words = [(w.word, w.flag) for w in v.tagger.cut(text, HMM=True)]
    for i, (word, flag) in enumerate(words):
        tag = v.tags.get(word, flag)
        nxt = words[i + 1][0] if i + 1 < len(words) else ""
        at, pos = pos, pos + len(word)
        if tag in {"ns", "nr"} and nxt in _PLACE_SUFFIX:
            word, tag = word + nxt, "ns"  # "横樟" + "村": a village HMM found but split off its suffix
        if word in v.tags:
            key = tag in _KEY_TAGS
        elif tag == "nt":
            key = _ORGANISATION.search(word) is not None
        elif tag == "nr":  # jieba's person tags are mostly ordinary words; trust a name before a title
            key = _TITLE.match(nxt) is not None
        else:
            key = tag == "ns"
        if key and len(word) >= 2 and word not in v.never_key:
            out.append((at, word, tag))
    return out


def _stem(name: str) -> str:
    """"松阳县" → "松阳", "宁夏回族自治区" → "宁夏": sources often write a place without its suffix."""
    stem = _ADMIN_SUFFIX.sub("", name)
    return stem if len(stem) >= 2 else name


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def _expand(v: _Vocab, word: str) -> list[str]:
    """The word and, for three or more characters, the words it is made of ("山海协作" → "山海", "协作")."""
    out = [word]
    if len(word) >= 3 and not word.isascii():
        for part in _parts(v.cutter, word):
            if len(part) >= 2:
                out.extend(_expand(v, part))
    return out


def _parts(cutter: Any, word: str) -> list[str]:
    """How jieba would cut `word` if the whole of it were not in the dictionary."""
    dag: dict[int, list[int]] = cutter.get_DAG(word)
    dag[0] = [end for end in dag[0] if end != len(word) - 1] or [0]
    route: dict[int, tuple[float, int]] = {}
    cutter.calc(word, dag, route)
    parts, x = [], 0
    while x < len(word):
        y = route[x][1] + 1
        parts.append(word[x:y])
        x = y
    return parts


def _cut_han(v: _Vocab, run: str) -> list[str]:
    """jieba words of a Han run; a Chinese numeral before a measure word becomes a number ("四十六个")."""
    out: list[str] = []
    last = 0
    for m in _CN_NUMERAL.finditer(run):
        after = run[m.end() : m.end() + 1]
        canonical = normalise_number(m.group())
        if canonical == m.group() or (len(m.group()) < 3 and after not in _MEASURE):
            continue
        out += [t for w in v.cutter.cut(run[last : m.start()], HMM=True) for t in _expand(v, w)]
        out.append(canonical)
        last = m.end()
    out += [t for w in v.cutter.cut(run[last:], HMM=True) for t in _expand(v, w)]
    return out


_CN_DIGITS = str.maketrans("〇○零一二三四五六七八九", "000123456789")


def arabic_years(text: str) -> str:
    """The text with its years in Chinese numerals in digits: "到一九八二年" → "到1982年" (as long as before)."""
    return _CN_YEAR.sub(lambda m: m.group().translate(_CN_DIGITS), text) if _CN_YEAR.search(text) else text


def _chinese_year(digits: str) -> str:
    return digits.translate(_CN_DIGITS) + "年"


def _is_pinyin_name(word: str) -> bool:
    """True for romanised Chinese names of two or more syllables ("shenzhen", "anhui"), each a syllable pinyin has:
    "under" is no name, though "un" and "der" look like pinyin."""
    known = _syllables()
    longest = max(map(len, known))
    # ends[i]: the fewest syllables word[:i] splits into (0 for the empty start), None when it does not split
    ends: list[int | None] = [0] + [None] * len(word)
    for i in range(1, len(word) + 1):
        counts = [c + 1 for j in range(max(0, i - longest), i) if (c := ends[j]) is not None and word[j:i] in known]
        ends[i] = min(counts) if counts else None
    return (ends[-1] or 0) >= 2


@functools.cache
def _syllables() -> frozenset[str]:
    """index/data/pinyin_syllables.txt (bench/make_place_pinyin.py), read once."""
    return frozenset(row[0] for row in tsv_rows("pinyin_syllables.txt", 1))


def keep_cache_in(folder: Path) -> None:
    """Where jieba keeps its parsed dictionary between processes; call before the first cut.

    jieba's default is the system temp folder, which a reboot or a tmp cleaner empties: the next cold
    answer then parses dict.txt again instead of loading the cache.
    """
    global _cache_folder
    _cache_folder = folder


def _load() -> _Vocab:
    """jieba with the domain words, built once per process (thread-safe)."""
    global _vocab
    if _vocab is not None:
        return _vocab
    with _lock:
        if _vocab is None:
            _vocab = _make_vocab()
    return _vocab


def _make_vocab() -> _Vocab:
    import jieba  # here, not at the top: commands that never cut words do not pay for its dictionaries

    jieba.setLogLevel(logging.WARNING)  # its dictionary load otherwise logs to stderr
    cutter = jieba.Tokenizer()
    if _cache_folder is not None:
        _cache_folder.mkdir(parents=True, exist_ok=True)
        cutter.tmp_dir = str(_cache_folder)
    cutter.initialize()
    tags: dict[str, str] = {}
    never_key: set[str] = set()
    aliases: list[tuple[re.Pattern[str], str]] = []
    raw = resources.files("index").joinpath("data/domain_words.txt").read_text(encoding="utf-8")
    for line in raw.splitlines():
        entry, _, english = line.partition("|")
        parts = entry.split()
        if not parts or parts[0].startswith("#"):
            continue
        word, tag = parts[0], (parts[1] if len(parts) > 1 else "n")
        if tag == "-":
            never_key.add(word)
            continue
        cutter.add_word(word, tag=tag)
        tags[word] = tag
        for alias in filter(None, (a.strip().lower() for a in english.split(","))):
            aliases.append((re.compile(rf"\b{re.escape(alias)}\b"), word))
    return _Vocab(cutter, _tagger(cutter), tags, frozenset(never_key), tuple(aliases))


def _tagger(cutter: Any) -> Any:
    """A part-of-speech tagger over `cutter`, its word-tag table copied from the one jieba.posseg made.

    Importing jieba.posseg already reads every word's tag from the default dictionary (0.2 s) for its
    module-level tagger; POSTokenizer(cutter) would read the same file again. The domain words' tags
    reach the copy through cutter.user_word_tag_tab on the first cut, as they would reach a fresh table.
    """
    import jieba.posseg

    if cutter.dictionary != jieba.posseg.dt.tokenizer.dictionary:
        return jieba.posseg.POSTokenizer(cutter)

    class _CopiedTags(jieba.posseg.POSTokenizer):  # type: ignore[misc]
        def load_word_tag(self, f: Any) -> None:
            f.close()  # opened by get_dict_file for us
            self.word_tag_tab = dict(jieba.posseg.dt.word_tag_tab)

    return _CopiedTags(cutter)
