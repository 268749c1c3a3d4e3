"""The project's concepts as frozen dataclasses: no I/O here, only data."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

UnitKind = Literal["sentence", "heading", "meta"]


@dataclass(frozen=True)
class Unit:
    """One row of the vector index: which sentence it embeds, under which content key."""

    file: str
    sentence: int
    key: str  # hash of the model name and the exact text embedded
    tokens_own: tuple[str, ...]  # lexical tokens of the sentence itself
    tokens_context: tuple[str, ...]  # … of its document label and sub-heading

    @property
    def tokens(self) -> tuple[str, ...]:
        """What BM25 indexes: the sentence with its context, so a report's name and year count."""
        return self.tokens_own + self.tokens_context


@dataclass(frozen=True)
class Heading:
    """A section heading such as "一、坚持产业引领…" or "（二）飞地经济引领消薄增收"."""

    label: str  # "一、", "（二）", "" for an article title
    title: str  # the heading's text as it stands in the stored text (label included)
    level: int  # 0 article title, 1 一、, 2 （一）, 3 1. / （1）
    start: int
    end: int


@dataclass(frozen=True)
class Sentence:
    """One quotable unit with its character offsets into the briefing's stored text."""

    index: int  # position in the briefing, 0-based; stable while the text is unchanged
    text: str  # == Briefing.text[start:end]
    start: int
    end: int
    kind: UnitKind
    section: tuple[str, ...]  # heading labels from the top: ("一、", "（二）")
    section_titles: tuple[str, ...]  # the same headings in full
    clauses: tuple[tuple[int, int], ...] = ()  # absolute offsets of clauses (split on ，、：)

    @property
    def evidence(self) -> bool:
        """Whether it can be quoted as an answer's evidence: a bare heading only announces what the sentences under it
        say, and a sentence that itself asks ("…的类型是什么？") answers nothing."""
        return self.kind != "heading" and not self.text.rstrip().endswith(("？", "?"))


@dataclass(frozen=True)
class Briefing:
    """A parsed briefing (or any report): metadata, section tree and sentences."""

    file: str  # path relative to the briefings folder, "/"-separated
    text: str  # the stored text every offset points into
    title: str  # series or document title, without 《》
    year: int | None = None
    issue: int | None = None
    date: str | None = None  # "YYYY-MM-DD"
    issuer: str | None = None
    editor_note: str | None = None
    articles: tuple[str, ...] = ()
    headings: tuple[Heading, ...] = ()
    # A tuple when parsed; a loaded index holds a columnar table of the same sentences (index/columns.py).
    sentences: Sequence[Sentence] = ()

    @property
    def issue_label(self) -> str | None:
        if self.year is not None and self.issue is not None:
            return f"{self.year}年第{self.issue}期"
        return None


@dataclass(frozen=True)
class Source:
    """Where a quote stands: which briefing, issue, date and section."""

    file: str
    title: str
    issue: str | None  # "2022年第10期"
    date: str | None  # "YYYY-MM-DD"
    section: tuple[str, ...]  # ("一、", "（二）")
    section_titles: tuple[str, ...] = ()


@dataclass(frozen=True)
class Figure:
    """A number with its unit as written, and its value in base units (932.7 万元 → 9327000 元)."""

    text: str  # verbatim, qualifiers kept: "累计返利 932.7 万元" → "932.7 万元" / "超 1 亿元"
    value: float
    unit: str  # base unit: "元", "人", "%", "个", "家", "人次", "平方公里", …
    start: int = -1  # offsets into the stored text when known
    end: int = -1


@dataclass(frozen=True)
class Quote:
    """A verbatim sentence from a briefing with its citation."""

    text: str
    start: int
    end: int
    score: float
    source: Source
    citation: str


@dataclass(frozen=True)
class PastFigure:
    """The asked-for measure as an earlier issue gave it: the figure, that issue's date and its own quote."""

    figure: Figure
    date: str | None  # "YYYY-MM-DD" of the earlier briefing
    quote: Quote


@dataclass(frozen=True)
class Answer:
    """What the bot and the CLI show for one question."""

    question: str
    answered: bool
    answer: str | None  # the tightest verbatim span; a substring of quotes[0].text
    figure: Figure | None
    quotes: tuple[Quote, ...]
    as_of: str | None = None  # date of the briefing quoted first, "YYYY-MM-DD"
    nearest: tuple[Source, ...] = ()  # when not answered: the closest sections
    history: tuple[PastFigure, ...] = ()  # the same measure in earlier issues, newest first
    refused_by: str = ""  # when not answered: which evidence rule refused it (index/answer.py REFUSALS)
    timings_ms: dict[str, float] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class BriefingInfo:
    """One indexed file as listed by `index status` and the bot's /briefings."""

    file: str
    title: str
    issue: str | None
    date: str | None
    sentences: int


@dataclass(frozen=True)
class IndexInfo:
    """What the live index holds and how it was built."""

    path: str
    model: str
    dimension: int
    built_at: str  # ISO 8601, UTC
    files: int
    sentences: int
    vectors: int
    briefings: tuple[BriefingInfo, ...] = ()
    encoder: str = "torch"  # what computed the vectors (indexes from before the manifest said were torch's)


@dataclass(frozen=True)
class Skipped:
    """A file the build could not read, and why (a message a user can act on)."""

    file: str
    reason: str


@dataclass(frozen=True)
class BuildReport:
    """The summary a rebuild ends with."""

    files_indexed: int
    files_reused: int
    skipped: tuple[Skipped, ...]
    sentences: int
    vectors: int
    embedded: int  # texts actually sent to the model (the rest came from the previous index)
    seconds: float
    replaced: dict[str, int] = field(default_factory=dict)  # file → code points replaced by U+FFFD


@dataclass(frozen=True)
class Context:
    """The paragraph around a quote, with the quote's position inside it."""

    text: str
    quote_start: int  # offsets into `text`
    quote_end: int
    source: Source
