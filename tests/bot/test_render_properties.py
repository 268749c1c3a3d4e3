"""Property-based tests of bot/render.py: any answer text renders into parts Telegram accepts, quotes intact."""

from __future__ import annotations

import re

from fake_telegram import parse_html, utf16_len
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.render import (
    SHOWN_QUOTES,
    render_answer,
    render_briefings,
    render_citation,
    render_context,
    render_more,
    render_progress,
    render_report,
    render_status,
)
from index.cite import chinese_date
from index.records import Answer, BriefingInfo, BuildReport, Context, Figure, IndexInfo, Quote, Skipped, Source

TELEGRAM_LIMIT = 4096  # UTF-16 units of text after entity parsing
CHECKS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Briefing-like text with what breaks renderers: HTML specials, entities, line breaks of every kind,
# astral characters (two UTF-16 units), sentence ends and closing quotes where the splitter cuts.
_NASTY = "<>&\"'&amp;&lt;</b><b>\n\r\t \u2028\u2029\x85\u3000。！？；!?;”’」）.…🎉𠀀😀\ufeff\u200b"
_CHARS = st.one_of(
    st.sampled_from(_NASTY),
    st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF),
    st.characters(codec="utf-8", exclude_categories=["Cs"]),
)
texts = st.text(_CHARS, max_size=300)
long_texts = st.text(_CHARS, min_size=1, max_size=6000)
any_text = st.one_of(texts, long_texts)


@st.composite
def sources(draw: st.DrawFn) -> Source:
    section = tuple(draw(st.lists(texts, max_size=3)))
    return Source(file=draw(texts), title=draw(texts), issue=draw(st.none() | texts),
                  date=draw(st.none() | st.sampled_from(["2022-09-20", "2023-1-1", "bad", ""]) | texts),
                  section=section, section_titles=tuple(draw(st.lists(texts, max_size=3))))


@st.composite
def quotes(draw: st.DrawFn) -> tuple[Quote, str]:
    """A quote cut from a source text, and that text."""
    text = draw(any_text.filter(bool))
    start = draw(st.integers(0, len(text) - 1))
    end = draw(st.integers(start + 1, len(text)))
    quote = Quote(text[start:end], start, end, draw(st.floats(allow_nan=False)), draw(sources()), draw(texts))
    return quote, text


@st.composite
def answers(draw: st.DrawFn) -> tuple[Answer, list[str]]:
    drawn = draw(st.lists(quotes(), max_size=6))
    quoted = tuple(quote for quote, _ in drawn)
    answered = draw(st.booleans())
    short = None
    if quoted and draw(st.booleans()):
        first = quoted[0].text
        start = draw(st.integers(0, len(first) - 1))
        short = first[start : draw(st.integers(start + 1, len(first)))]
    figure = draw(st.none() | st.builds(Figure, texts, st.floats(allow_nan=False), texts))
    answer = Answer(question=draw(any_text), answered=answered, answer=short, figure=figure, quotes=quoted,
                    as_of=draw(st.none() | texts), nearest=tuple(draw(st.lists(sources(), max_size=3))))
    return answer, [text for _, text in drawn]


def _accepted(parts: list[str]) -> str:
    """Every part passes the fake's strict HTML check and Telegram's limits; returns the plain text."""
    assert parts
    plain = []
    for part in parts:
        text = parse_html(part)
        assert utf16_len(text) <= TELEGRAM_LIMIT
        assert text.strip(), repr(part)
        plain.append(text)
    return "".join(plain)


def _blockquotes(parts: list[str]) -> str:
    return "".join(parse_html(inner) for part in parts for inner in re.findall(r"<blockquote>(.*?)</blockquote>",
                                                                               part, re.S))


@CHECKS
@given(answers())
def test_any_answer_renders_into_parts_telegram_accepts_with_quotes_intact(drawn: tuple[Answer, list[str]]) -> None:
    answer, sources_text = drawn
    for quote, source_text in zip(answer.quotes, sources_text, strict=True):
        assert quote.text == source_text[quote.start : quote.end]  # the strategy's own promise
    parts = render_answer(answer)
    plain = _accepted(parts)
    if answer.answered and answer.quotes:
        shown = _blockquotes(parts)
        for quote in answer.quotes[:SHOWN_QUOTES]:
            assert _kept(quote.text) in _kept(shown)
            if len(parts) == 1:
                assert quote.text.strip() in plain
    _accepted(render_more(answer))
    cited = _accepted(render_citation(answer))
    for quote in answer.quotes:
        assert _kept(quote.text) in _kept(cited)


@CHECKS
@given(quotes())
def test_any_context_renders_with_the_quote_bold_and_intact(drawn: tuple[Quote, str]) -> None:
    quote, text = drawn
    parts = render_context(Context(text, quote.start, quote.end, quote.source))
    plain = _accepted(parts)
    bold = "".join(parse_html(inner) for part in parts for inner in re.findall(r"<b><u>(.*?)</u></b>", part, re.S))
    assert _kept(bold) == _kept(quote.text)
    assert _kept(quote.text) in _kept(plain)


@CHECKS
@given(st.lists(st.builds(BriefingInfo, texts, texts, st.none() | texts, st.none() | texts,
                          st.integers(0, 10**6)), max_size=80),
       st.lists(st.builds(Skipped, texts, texts), max_size=40), texts)
def test_index_records_render_into_parts_telegram_accepts(briefings: list[BriefingInfo], skipped: list[Skipped],
                                                           word: str) -> None:
    info = IndexInfo(path=word, model=word, dimension=384, built_at=word, files=len(briefings), sentences=1,
                     vectors=1, briefings=tuple(briefings))
    _accepted(render_briefings(info))
    _accepted(render_report(BuildReport(1, 2, tuple(skipped), 3, 3, 3, 1.5)))
    parse_html(render_status(info))
    parse_html(render_progress(word, 1, 2))


def _kept(text: str) -> str:
    """The text without whitespace: Telegram strips it at each message's ends, so a cut between parts may drop
    some (whole quotes within one part are checked verbatim)."""
    return "".join(text.split())


def test_a_date_that_is_not_iso_is_shown_as_it_is() -> None:
    """Found by the properties above: "--" as a source date raised ValueError in the citation line."""
    source = Source("a.txt", "简报", None, "--", ())
    assert render_answer(Answer("问？", False, None, None, (), nearest=(source,)))[0].count("《简报》（--）") == 1
    assert chinese_date("2022-9-20") == "2022年9月20日" and chinese_date("２０２２-1-1") == "２０２２-1-1"
