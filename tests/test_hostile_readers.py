"""Hostile briefing files: patterns that could take quadratic time, invalid Unicode, and files that cost too much."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import docx
import pytest
from hostile_files import make_pdf, write_docx

from index.config import MB, Limits
from index.errors import UnreadableFile
from index.figures import find_dates, find_figures, numbers_in
from index.parse import parse_briefing
from index.question import sentence_fits, understand
from index.readers import read_data, read_document
from index.segment import split_clauses
from index.span import tightest_span
from index.tokenize import tokens

SIZE = 160 * 1024
# Each input makes some pattern or loop retry over a long run: before, "**a " took 144 s at this size.
PATHOLOGICAL = {
    "bold": "**a ",
    "underscore bold": "__a ",
    "numerals": "一二",
    "digits and units": "1元",
    "percent": "1%",
    "spaced digits": "1 ",  # each digit may begin a spaced number ("7 4 7 7 2 亿元")
    "middle dots": "1·",
    "tabs": " \t",
    "issue": "2022 ",
    "block starts": "（一",
    "glued lines": "a，\n",
    "closers": "）\n",
    "heading run": "# ",
}


def _long(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size] + "x"


def _inputs(size: int = SIZE) -> dict[str, str]:
    out = {name: _long(unit, size) for name, unit in PATHOLOGICAL.items()}
    # A Markdown heading of spaces then hashes: the closing "#" pattern tried every split of the run.
    out["heading run"] = "# a" + " " * (size // 2) + "#" * (size // 2) + "x"
    out["page number"] = "第1页" + " " * size + "x"
    out["issue header"] = "简报\n2022" + " " * size + "x"
    return out


def _answer_time_work(text: str) -> None:
    """What a question does to a sentence it retrieved, on every sentence of the text."""
    briefing = parse_briefing("hostile.md", text)
    intents = [understand(q) for q in ("返利多少钱？", "在哪里？", "什么时候开工？", "增长了多少？")]
    for s in briefing.sentences:
        tokens(s.text)
        split_clauses(s.text)
        find_dates(s.text)
        figures = find_figures(s.text, s.start)
        numbers_in(s.text)
        for intent in intents:
            sentence_fits(intent, s.text)
        tightest_span(s, figures[0] if figures else None, ["返利"])


@pytest.mark.parametrize("name", list(_inputs()))
def test_a_pathological_text_is_read_in_well_under_a_second(tmp_path: Path, name: str) -> None:
    path = tmp_path / "hostile.md"
    path.write_text(_inputs()[name], encoding="utf-8")
    # CPU time, not wall time: the work a file costs, which a busy machine's waiting for a core does not inflate.
    started = time.process_time()
    read_document(path)
    elapsed = time.process_time() - started
    assert elapsed < 1.0, f"{name}: reading {SIZE // 1024} KB took {elapsed:.2f} s of CPU"


def _timed(text: str) -> float:
    started = time.process_time()  # CPU time: see above
    _answer_time_work(text)
    return time.process_time() - started


@pytest.mark.parametrize("name", list(_inputs()))
def test_parsing_and_answering_over_a_pathological_text_take_linear_time(name: str) -> None:
    # Four times the text takes about four times as long, not sixteen; the margin is for a busy machine.
    # At these sizes the quadratic patterns took seconds (8 KB of "一二" took 16 s in the figure pattern).
    quarter, full = _timed(_inputs(10_000)[name]), _timed(_inputs(40_000)[name])
    assert full < 8 * quarter + 0.5, f"{name}: 10 KB took {quarter:.2f} s, 40 KB {full:.2f} s"


def test_each_format_goes_through_the_same_linear_clean_up(tmp_path: Path) -> None:
    line = _long("**a ", SIZE // 4)
    document = docx.Document()
    document.add_paragraph(line)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = _long("  ", SIZE // 4)  # white space around nothing: a cell's clean-up
    table.rows[0].cells[1].text = "表格。"
    document.save(str(tmp_path / "hostile.docx"))
    (tmp_path / "hostile.pdf").write_bytes(make_pdf([bytes([1, 2, 2, 2, 3]) * 4000], {1: "*", 2: "*", 3: "a"}))
    (tmp_path / "hostile.txt").write_text(line, encoding="gb18030")
    for name in ("hostile.docx", "hostile.pdf", "hostile.txt"):
        started = time.process_time()  # CPU time: see above
        read_document(tmp_path / name)
        assert time.process_time() - started < 1.0, name


def test_a_lone_surrogate_from_a_pdf_map_is_replaced_and_counted(tmp_path: Path) -> None:
    data = make_pdf([bytes([1, 2, 3, 4, 1, 2, 5])], {1: "简", 2: "报", 3: "\ud800", 4: "\uffff", 5: "。"})
    extracted = read_data(data, ".pdf", "bad.pdf")
    assert extracted.text == "简报\ufffd\ufffd简报。" and extracted.replaced == 2
    extracted.text.encode("utf-8")  # what writing the index does; it raised before
    path = tmp_path / "bad.pdf"
    path.write_bytes(data)
    assert read_document(path) == extracted.text


def _refused(data: bytes, suffix: str, limits: Limits, variable: str) -> float:
    started = time.perf_counter()
    with pytest.raises(UnreadableFile) as raised:
        read_data(data, suffix, f"hostile{suffix}", limits)
    assert variable in raised.value.reason
    return time.perf_counter() - started


def test_a_docx_that_expands_past_the_limit_is_refused_before_it_is_inflated(tmp_path: Path) -> None:
    path = tmp_path / "bomb.docx"
    write_docx(path, ["简报。"], padding=3 * MB)
    data = path.read_bytes()
    assert len(data) < 50_000
    small = replace(Limits(), expanded_bytes=MB)
    assert _refused(data, ".docx", small, "BRIEFBOT_MAX_EXPANDED_MB") < 0.5
    assert "简报" in read_data(data, ".docx", "bomb.docx", replace(Limits(), expanded_bytes=8 * MB)).text


def test_a_300_mb_docx_bomb_is_refused_at_the_default_limit(tmp_path: Path) -> None:
    path = tmp_path / "bomb.docx"
    write_docx(path, ["简报。"], padding=300 * MB)
    assert path.stat().st_size < MB
    assert _refused(path.read_bytes(), ".docx", Limits(), "BRIEFBOT_MAX_EXPANDED_MB") < 0.5


def test_a_pdf_of_too_many_pages_is_refused_before_its_pages_are_read() -> None:
    # Pages that differ, or their lines would be dropped as running heads.
    to_unicode = {i: chr(0x4E00 + i) for i in range(1, 32)} | {99: "。"}
    few = make_pdf([bytes([i, i + 1, 99]) for i in range(1, 31)], to_unicode)
    assert _refused(few, ".pdf", replace(Limits(), pages=20), "BRIEFBOT_MAX_PAGES") < 1.0
    assert read_data(few, ".pdf", "few.pdf", replace(Limits(), pages=30)).text


def test_a_100k_page_pdf_is_refused_at_the_default_limit() -> None:
    data = make_pdf([bytes([1, 2, 3])] * 100_000, {1: "简", 2: "报", 3: "。"}, shared_content=True)
    assert _refused(data, ".pdf", Limits(), "BRIEFBOT_MAX_PAGES") < 5.0


def test_20_mb_of_text_is_refused_at_the_default_limit() -> None:
    data = ("简报正文，内容。" * (20 * MB // 24)).encode("utf-8")
    assert len(data) >= 20 * MB - 24
    assert _refused(data, ".txt", Limits(), "BRIEFBOT_MAX_CHARACTERS") < 2.0


@pytest.mark.parametrize(
    ("suffix", "limits", "variable"),
    [
        (".txt", replace(Limits(), file_bytes=1000), "BRIEFBOT_MAX_FILE_MB"),
        (".txt", replace(Limits(), characters=1000), "BRIEFBOT_MAX_CHARACTERS"),
        (".docx", replace(Limits(), characters=1000), "BRIEFBOT_MAX_CHARACTERS"),
        (".pdf", replace(Limits(), characters=1000), "BRIEFBOT_MAX_CHARACTERS"),
        (".pdf", replace(Limits(), seconds=1e-6), "BRIEFBOT_MAX_READ_SECONDS"),
        (".txt", replace(Limits(), seconds=1e-6), "BRIEFBOT_MAX_READ_SECONDS"),
    ],
)
def test_each_limit_refuses_a_file_and_names_itself(
    tmp_path: Path, suffix: str, limits: Limits, variable: str
) -> None:
    if suffix == ".pdf":
        data = make_pdf([bytes([1, 2, 3]) * 200] * 5, {1: "简", 2: "报", 3: "。"})
    elif suffix == ".docx":
        write_docx(tmp_path / "x.docx", ["简报正文。" * 100] * 5)
        data = (tmp_path / "x.docx").read_bytes()
    else:
        data = ("简报正文。\n" * 2000).encode("utf-8")
    _refused(data, suffix, limits, variable)


def test_a_file_larger_than_the_limit_is_not_read_into_memory(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with open(path, "wb") as handle:
        handle.truncate(3 * 1024**3)  # 3 GB, sparse: reading it whole would need 3 GB of memory
    with pytest.raises(UnreadableFile, match="BRIEFBOT_MAX_FILE_MB"):
        read_document(path)


def test_limits_are_read_from_the_environment_and_checked() -> None:
    limits = Limits.from_env({"BRIEFBOT_MAX_FILE_MB": "2", "BRIEFBOT_MAX_PAGES": "7",
                              "BRIEFBOT_MAX_READ_SECONDS": "1.5"})
    assert limits == replace(Limits(), file_bytes=2 * MB, pages=7, seconds=1.5)
    assert Limits.from_env({}) == Limits()
    from index.errors import SettingsError

    with pytest.raises(SettingsError, match="BRIEFBOT_MAX_CHARACTERS"):
        Limits.from_env({"BRIEFBOT_MAX_CHARACTERS": "lots"})
