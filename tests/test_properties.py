"""Properties over arbitrary input: readers, segmenter, parser and figures raise only the project's errors,
and every offset they give cuts out exactly the text it names."""

from __future__ import annotations

import io
import json
import re

import docx
from hostile_files import make_pdf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.errors import BriefbotError
from index.figures import find_dates, find_figures, numbers_in
from index.layout import repair_breaks, unbold
from index.parse import parse_briefing
from index.readers import read_data
from index.segment import split_clauses, split_sentences
from index.stored import briefing_from_json, briefing_to_json

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Text like a briefing's: Chinese, digits, numerals, units, punctuation, Markdown and layout characters.
BRIEFING_ALPHABET = (
    "简报消薄飞地累计返利万亿元人个家第期年月日一二三四五六七八九十百千零〇0123456789.,%"
    "，。、；：！？“”（）()【】《》—-*_#| \t\n\r\u3000\u2028"
)
briefing_text = st.text(alphabet=BRIEFING_ALPHABET, max_size=300) | st.text(max_size=200)
_OLD_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*|__(?=\S)(.+?)(?<=\S)__")


def _check_extracted(data: bytes, suffix: str) -> None:
    try:
        text = read_data(data, suffix, f"x{suffix}").text
    except BriefbotError:
        return
    text.encode("utf-8")  # valid Unicode, or writing the index would fail
    assert text and not text.startswith("\n") and "\n\n" not in text and not text.endswith("\n")


@FAST
@given(st.binary(max_size=2000), st.sampled_from([".txt", ".md", ".docx", ".pdf"]))
def test_arbitrary_bytes_in_any_format_are_read_or_refused_with_a_reason(data: bytes, suffix: str) -> None:
    _check_extracted(data, suffix)


@FAST
@given(briefing_text, st.sampled_from(["utf-8", "gb18030", "utf-16"]))
def test_arbitrary_text_files_are_read_or_refused_with_a_reason(text: str, encoding: str) -> None:
    _check_extracted(text.encode(encoding, errors="surrogatepass"), ".md")


_XML_SAFE = st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff")


@FAST
@given(st.lists(st.text(alphabet=_XML_SAFE, max_size=60), min_size=1, max_size=6))
def test_arbitrary_docx_paragraphs_are_read_or_refused(paragraphs: list[str]) -> None:
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    _check_extracted(out.getvalue(), ".docx")


@FAST
@given(
    st.dictionaries(st.integers(1, 255), st.text(min_size=1, max_size=3), min_size=1, max_size=8),
    st.lists(st.binary(min_size=1, max_size=40), min_size=1, max_size=3),
)
def test_pdfs_with_any_tounicode_map_are_read_or_refused(to_unicode: dict[int, str], pages: list[bytes]) -> None:
    _check_extracted(make_pdf(pages, to_unicode), ".pdf")


@FAST
@given(briefing_text, st.integers(0, 1000))
def test_sentence_and_clause_spans_cut_out_their_text(text: str, offset: int) -> None:
    previous_end = offset
    for start, end in split_sentences(text, offset):
        piece = text[start - offset : end - offset]
        assert previous_end <= start < end and piece == piece.strip()
        previous_end = end
        for a, b in split_clauses(piece, start):
            assert start <= a < b <= end


@FAST
@given(briefing_text, st.integers(0, 1000))
def test_figures_and_dates_are_exact_substrings(text: str, offset: int) -> None:
    for figure in find_figures(text, offset):
        assert text[figure.start - offset : figure.end - offset] == figure.text
    for start, end, _ in find_dates(text, offset):
        assert 0 <= start - offset < end - offset <= len(text)
    numbers_in(text)


@FAST
@given(briefing_text)
def test_parsed_sentences_and_headings_are_exact_substrings_and_survive_storage(text: str) -> None:
    stored = repair_breaks(text)
    briefing = parse_briefing("x.md", stored)
    assert briefing.text == stored
    for s in briefing.sentences:
        assert stored[s.start : s.end] == s.text
    for h in briefing.headings:
        assert 0 <= h.start <= h.end <= len(stored)
    assert briefing_from_json(json.loads(json.dumps(briefing_to_json(briefing)))) == briefing


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet="*_ a#\t一", max_size=30))
def test_bold_removal_reads_markers_as_the_old_pattern_did(line: str) -> None:
    assert unbold(line) == _OLD_BOLD.sub(lambda m: m.group(1) or m.group(2), line)
