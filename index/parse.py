"""Stored text → Briefing: header metadata, section tree and sentences with offsets (pure)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from index.records import Briefing, Heading, Sentence, UnitKind
from index.segment import split_clauses, split_sentences

_CN_NUM = "一二三四五六七八九十百零〇两"
_LEVELS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (1, re.compile(rf"^(第[{_CN_NUM}]+[章部分篇节]\s*|[{_CN_NUM}]+[、．.])")),
    (2, re.compile(rf"^([（(][{_CN_NUM}]+[）)])")),
    (3, re.compile(r"^(\d{1,2}[、．.](?!\d)|[（(]\d{1,2}[）)])")),
)
# One run of white space between two parts: "\s*年?\s*" tried both splits of a long run (quadratic).
_ISSUE = re.compile(r"(\d{4})\s*(?:年\s*)?第\s*(\d{1,6})\s*期")
_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年?")
_ISSUER_END = re.compile(r"(局|办公室|委员会|办|厅|政府|中心|小组|部|委|处|院|会)$")
_EDITOR_NOTE = re.compile(r"^[【\[]?\s*编者按\s*[】\]]?[：:]?")
_DISTRIBUTION = re.compile(r"^(报|送|发|抄送|抄报)\s*[：:]")
_TERMINAL = "。！？；…!?;：:"
# What parse_briefing gives for the same text: bump it when that changes, so a rebuild parses every file again
# instead of reusing the last build's records (index/build.py); the vectors of unchanged sentences are reused still.
# 2: a title is looked for before the prose begins only (a speech opening "各位代表：" is titled by its file);
# 3: so does a line with a sentence stop anywhere in it (a wrapped first sentence, a photo caption).
PARSER_VERSION = 3
_HEADING_MAX = 40  # a first sentence longer than this is body text, not a sub-heading


@dataclass
class _State:
    """Mutable walk state: where in the section tree the current line stands."""

    headings: list[Heading] = field(default_factory=list)
    path: dict[int, Heading] = field(default_factory=dict)
    sentences: list[Sentence] = field(default_factory=list)
    articles: list[str] = field(default_factory=list)

    def labels(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        levels = sorted(k for k in self.path if k > 0)
        return tuple(self.path[k].label for k in levels), tuple(self.path[k].title for k in levels)

    def enter(self, heading: Heading) -> None:
        self.headings.append(heading)
        for level in [k for k in self.path if k >= heading.level]:
            del self.path[level]
        self.path[heading.level] = heading


def parse_briefing(file: str, text: str) -> Briefing:
    """Parse the stored text of one briefing (or any report with 一、/（一） sections)."""
    lines = list(_lines(text))
    title_at, title = _find_title(lines, file)
    header_end = _header_end(lines, title_at)
    header = [line for _, _, line in lines[title_at:header_end]]
    year, issue = _issue(header)
    date = _first_date(header)
    year = year or _year(title) or _year(file) or (int(date[:4]) if date else None)
    issuer = _issuer(header[1:], title)
    is_briefing = issue is not None

    state = _State()
    editor_note: str | None = None
    for i, (start, end, line) in enumerate(lines):
        if i < header_end:
            _add(state, text, start, end, "meta", ())
            continue
        if _EDITOR_NOTE.match(line):
            editor_note = line
            _add_paragraph(state, text, start, end, section_override=("编者按",))
            continue
        if _is_tail(line, issuer):
            _add(state, text, start, end, "meta", ())
            continue
        if _heading_line(state, text, start, end, line, is_briefing):
            continue
        _add_paragraph(state, text, start, end)
    return Briefing(
        file=file, text=text, title=title, year=year, issue=issue, date=date, issuer=issuer,
        editor_note=editor_note, articles=tuple(state.articles), headings=tuple(state.headings),
        sentences=tuple(state.sentences),
    )


def _lines(text: str) -> Iterator[tuple[int, int, str]]:
    pos = 0
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped:
            start = pos + raw.index(stripped[0])
            yield start, start + len(stripped), stripped
        pos += len(raw) + 1


def _find_title(lines: list[tuple[int, int, str]], file: str) -> tuple[int, str]:
    # Web exports put toolbar words ("下载", "打印") first: the title is the first real line. A speech may start
    # with no title at all ("各位代表：" and its first sentence): once the prose has begun, a later short line is
    # a section heading ("一、2024年工作回顾"), not the title, and the file's name is the better one.
    for i, (_, _, line) in enumerate(lines[:15]):
        if "。" in line:  # prose, or a caption above the title ("政府工作报告。 贵州日报天眼新闻记者 李森 摄")
            break
        if len(line) >= 6 and line[-1] not in _TERMINAL and not _DATE.search(line):
            return i, line.strip("《》 ")
    stem = file.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return 0, stem


def _header_end(lines: list[tuple[int, int, str]], title_at: int) -> int:
    """The header is the run of short lines after the title: issue, issuer, date, subtitles."""
    i = title_at + 1
    while i < len(lines) and i < title_at + 8:
        line = lines[i][2]
        if _level(line) or _EDITOR_NOTE.match(line) or (len(line) > 60 and "。" in line):
            break
        if line[-1] in "。！？；" and len(line) > 20:
            break
        i += 1
    return i


def _issue(header: list[str]) -> tuple[int | None, int | None]:
    for line in header:
        m = _ISSUE.search(line)
        if m:
            return int(m.group(1)), int(m.group(2))
    return None, None


def _first_date(header: list[str]) -> str | None:
    for line in header:
        m = _DATE.search(line) or _ISO_DATE.search(line)
        if m:
            y, mo, d = (int(g) for g in m.groups())
            if 1 <= mo <= 12 and 1 <= d <= 31:
                return f"{y:04d}-{mo:02d}-{d:02d}"
    return None


def _year(text: str) -> int | None:
    m = _YEAR.search(text)
    return int(m.group(1)) if m else None


def _issuer(header: list[str], title: str) -> str | None:
    for line in header:
        if line != title and len(line) <= 30 and _ISSUER_END.search(line) and not _DATE.search(line):
            return line
    return None


def _is_tail(line: str, issuer: str | None) -> bool:
    if _DISTRIBUTION.match(line):
        return True
    return (issuer is not None and line == issuer) or bool(re.search(r"日\s*印发$", line))


def _level(line: str) -> tuple[int, str] | None:
    for level, pattern in _LEVELS:
        m = pattern.match(line)
        if m:
            return level, m.group(1).strip()
    return None


def _heading_line(state: _State, text: str, start: int, end: int, line: str, is_briefing: bool) -> bool:
    """Record a heading found at the start of a line; the rest of the line is body text."""
    found = _level(line)
    if found is None:
        if is_briefing and len(line) <= 60 and line[-1] not in _TERMINAL and _wordy(line):
            # A short unpunctuated line in a briefing's body is an article title.
            state.enter(Heading("", line, 0, start, end))
            state.articles.append(line)
            _add(state, text, start, end, "heading", ())
            return True
        return False
    level, label = found
    spans = split_sentences(line, start)
    first_end = spans[0][1] if spans else end
    if first_end - start > _HEADING_MAX and first_end != end:
        return False
    heading_end = first_end if first_end - start <= _HEADING_MAX else end
    state.enter(Heading(label, text[start:heading_end], level, start, heading_end))
    _add(state, text, start, heading_end, "heading", None)
    if heading_end < end:
        _add_paragraph(state, text, heading_end, end)
    return True


def _wordy(line: str) -> bool:
    return sum(c.isalnum() for c in line) >= 4


def _add_paragraph(
    state: _State, text: str, start: int, end: int, section_override: tuple[str, ...] | None = None
) -> None:
    for s, e in split_sentences(text[start:end], start):
        _add(state, text, s, e, "sentence", section_override)


def _add(
    state: _State, text: str, start: int, end: int, kind: UnitKind, section: tuple[str, ...] | None
) -> None:
    labels, titles = state.labels()
    if section is not None:
        labels, titles = section, section
    body = text[start:end]
    state.sentences.append(
        Sentence(
            index=len(state.sentences), text=body, start=start, end=end, kind=kind,
            section=labels, section_titles=titles, clauses=split_clauses(body, start),
        )
    )
