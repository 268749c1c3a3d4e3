"""A deterministic QAService for bot tests: character-bigram matching over a few briefing paragraphs."""

from __future__ import annotations

import itertools
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from index.errors import BriefbotError
from index.records import Answer, BriefingInfo, BuildReport, Context, Figure, IndexInfo, Quote, Source
from index.service import Progress
from index.validate import validate_question

TITLE = "宁波支援合作工作简报"
ISSUE_10 = Source(file="宁波支援合作工作简报_2022第10期.txt", title=TITLE, issue="2022年第10期",
                  date="2022-09-20", section=())

# (section labels, section titles, paragraph) from the seed briefing.
PARAGRAPHS = [
    ((), (), "近年来，余姚市坚持产业引领、资源互补、社会联动，持续推动和丽水市松阳县的山海协作。"
             "2017 年以来，共到位援建资金 1264.5 万元，实施协作项目 46 个。"),
    (("一、", "（一）"), ("一、坚持产业引领，在共筑载体平台上同心同向", "（一）工业园区引领经济发展"),
     "（一）工业园区引领经济发展。截至目前，园区累计开发土地 7.1 平方公里，入驻企业 65 家，"
     "完成固定资产投资 82.06 亿元，培育规上企业 16 家。"),
    (("一、", "（二）"), ("一、坚持产业引领，在共筑载体平台上同心同向", "（二）飞地经济引领消薄增收"),
     "（二）飞地经济引领消薄增收。组建强村公司，牵头松阳 48 个村股份经济合作社参股投资 3109.5 万元，"
     "在余姚中意启迪科技城建设“消薄飞地”，以包租固定回报的方式分配投资利益。"
     "截至目前，“消薄飞地”已实现满租，累计返利 932.7 万元。"
     "同时，按照“一次规划、分期建设”方式探索推进“产业飞地”建设，规划建设面积 1500 亩。"),
]

_FIGURE = re.compile(r"(\d+(?:\.\d+)?)\s*(万元|亿元|平方公里|家|个|亩|场)")
_SENTENCE = re.compile(r"[^。]+。")


@dataclass(frozen=True)
class Entry:
    text: str
    start: int  # offset into the paragraph
    paragraph: str
    source: Source


def citation(source: Source) -> str:
    year, month, day = (int(part) for part in (source.date or "0-0-0").split("-"))
    return f"《{source.title}》{source.issue}（{year}年{month}月{day}日）{''.join(source.section)}"


def _entries(source: Source, paragraphs: list[tuple[tuple[str, ...], tuple[str, ...], str]]) -> list[Entry]:
    entries = []
    for section, titles, paragraph in paragraphs:
        here = Source(source.file, source.title, source.issue, source.date, section, titles)
        entries += [Entry(m.group(), m.start(), paragraph, here) for m in _SENTENCE.finditer(paragraph)]
    return entries


def _bigrams(text: str) -> set[str]:
    chars = [ch for ch in text if ch.isalnum()]
    return {a + b for a, b in itertools.pairwise(chars)}


class FakeService:
    """Answers from its entries; rebuild() re-reads *.txt files in the briefings folder and swaps."""

    def __init__(self, briefings: Path, delay: float = 0.0) -> None:
        self.briefings = briefings
        self.delay = delay  # seconds per ask, to show answers run side by side
        self.entries = _entries(ISSUE_10, PARAGRAPHS)
        self.canned: dict[str, Answer] = {}  # exact question → answer, for rendering edge cases
        self.asked: list[str] = []
        self.hold_rebuild = threading.Event()  # set → rebuild waits for release_rebuild
        self.release_rebuild = threading.Event()
        self.rebuild_started = threading.Event()
        self.rebuild_error: Exception | None = None
        self.rebuilds = 0
        self.built_at = "2024-01-01T00:00:00Z"

    def ask(self, question: str) -> Answer:
        if validate_question(question) != question:  # the protocol: front ends check before they ask
            raise AssertionError(f"an unchecked question reached the service: {question[:40]!r}")
        if question == "崩溃":
            raise RuntimeError("simulated internal failure")
        self.asked.append(question)
        time.sleep(self.delay)
        if question in self.canned:
            return self.canned[question]
        wanted = _bigrams(question)
        entries = self.entries  # one reference: a rebuild swapping the list never shows half of it
        scored = sorted(((len(wanted & _bigrams(e.text)), i, e) for i, e in enumerate(entries)),
                        key=lambda item: (-item[0], item[1]))
        hits = [e for score, _, e in scored if score >= 3]
        if not hits:
            nearest = tuple(e.source for score, _, e in scored[:2] if score > 0)
            return Answer(question, answered=False, answer=None, figure=None, quotes=(), nearest=nearest)
        quotes = tuple(Quote(e.text, e.start, e.start + len(e.text), 1.0, e.source, citation(e.source))
                       for e in hits[:6])
        best = quotes[0].text
        clause = max(re.split(r"(?<=[，。])", best),
                     key=lambda part: (len(wanted & _bigrams(part)), bool(_FIGURE.search(part))))
        match = _FIGURE.search(clause)
        figure = Figure(match.group(), float(match.group(1)), match.group(2)) if match else None
        return Answer(question, answered=True, answer=clause.rstrip("。，"), figure=figure, quotes=quotes,
                      as_of=quotes[0].source.date)

    def info(self) -> IndexInfo:
        entries = self.entries
        files: dict[str, tuple[Source, int]] = {}
        for e in entries:
            files[e.source.file] = (e.source, files.get(e.source.file, (e.source, 0))[1] + 1)
        briefings = tuple(BriefingInfo(s.file, s.title, s.issue, s.date, n) for s, n in files.values())
        return IndexInfo(path="/tmp/index", model="fake-model", dimension=8, built_at=self.built_at,
                         files=len(files), sentences=len(entries), vectors=len(entries), briefings=briefings)

    def context(self, quote: Quote) -> Context:
        for e in self.entries:
            if e.text == quote.text:
                return Context(e.paragraph, e.start, e.start + len(e.text), e.source)
        raise BriefbotError("这条引文所在的简报已不在索引中，请重新提问。")

    def rebuild(self, progress: Progress | None = None) -> BuildReport:
        self.rebuild_started.set()
        started = time.monotonic()
        files = sorted(self.briefings.glob("*.txt"))
        for done in range(len(files) + 1):
            if progress:
                progress("read", done, len(files))
        if self.hold_rebuild.is_set() and not self.release_rebuild.wait(30):
            raise BriefbotError("test never released the rebuild")
        if self.rebuild_error is not None:
            raise self.rebuild_error
        entries = _entries(ISSUE_10, PARAGRAPHS)
        for number, path in enumerate(files, start=11):
            source = Source(path.name, TITLE, f"2022年第{number}期", f"2022-10-{number:02d}", ("一、",))
            entries += _entries(source, [(("一、",), ("一、新收录",), path.read_text(encoding="utf-8"))])
        if progress:
            progress("embed", len(entries), len(entries))
            progress("write", 1, 1)
        self.entries = entries  # the swap: questions see the old list or the new one, never a mix
        self.rebuilds += 1
        return BuildReport(files_indexed=len(files), files_reused=1, skipped=(), sentences=len(entries),
                           vectors=len(entries), embedded=len(entries), seconds=time.monotonic() - started)
