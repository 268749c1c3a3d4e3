"""The parser on the seed briefing (golden file), on a report without briefing headers, and its invariants."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from paths import SEED, SEED_NAME, SPEECH

from index.parse import parse_briefing
from index.readers import read_document
from index.records import Briefing

GOLDEN = Path(__file__).parent / "golden" / "seed_parse.json"


def _summary(b: Briefing) -> dict[str, object]:
    return {
        "title": b.title, "year": b.year, "issue": b.issue, "date": b.date, "issuer": b.issuer,
        "editor_note": b.editor_note, "articles": list(b.articles),
        "headings": [[h.level, h.label, h.title] for h in b.headings],
        "sentences": [[s.kind, "".join(s.section), s.text] for s in b.sentences],
    }


@pytest.fixture(scope="module")
def seed() -> Briefing:
    return parse_briefing(SEED_NAME, read_document(SEED, SEED_NAME))


def test_seed_matches_golden(seed: Briefing) -> None:
    got = _summary(seed)
    if os.environ.get("UPDATE_GOLDEN") == "1":
        GOLDEN.write_text(json.dumps(got, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    assert got == json.loads(GOLDEN.read_text(encoding="utf-8"))


def test_seed_metadata(seed: Briefing) -> None:
    assert (seed.title, seed.year, seed.issue, seed.date) == ("宁波支援合作工作简报", 2022, 10, "2022-09-20")
    assert seed.issuer == "宁波市对口支援和区域合作局"
    assert seed.editor_note is not None and seed.editor_note.startswith("【编者按】近日，汤飞帆市长")
    assert seed.articles == ("余姚市“三坚持”推动山海协作 探索形成造血帮扶新模式",)
    assert seed.issue_label == "2022年第10期"


def test_every_sentence_is_its_slice_of_the_stored_text(seed: Briefing) -> None:
    for s in seed.sentences:
        assert seed.text[s.start : s.end] == s.text
        for a, b in s.clauses:
            assert s.start <= a < b <= s.end


def test_figure_sentence_sits_in_its_sub_section(seed: Briefing) -> None:
    s = next(s for s in seed.sentences if "932.7" in s.text)
    assert s.section == ("一、", "（二）")
    assert s.section_titles == ("一、坚持产业引领，在共筑载体平台上同心同向", "（二）飞地经济引领消薄增收。")
    assert s.text.startswith("截至目前") or s.text.startswith("组建强村公司")


def test_sub_heading_is_its_own_unit(seed: Briefing) -> None:
    heads = [s.text for s in seed.sentences if s.kind == "heading"]
    assert "（二）飞地经济引领消薄增收。" in heads
    assert "一、坚持产业引领，在共筑载体平台上同心同向" in heads


def test_report_without_briefing_header_still_parses() -> None:
    text = "\n".join([
        "下载", "打印", "2025年浙江省政府工作报告", "2025年1月14日在浙江省第十四届人民代表大会第三次会议上",
        "各位代表：", "现在，我代表省人民政府向大会报告工作，请予审议。",
        "一、2024年工作回顾", "全省生产总值增长5.5%，一般公共预算收入增长1.9%。",
        "（一）系统落实一揽子存量和增量政策，有力推动经济回升向好。", "大力推进“两重”建设。",
    ])
    b = parse_briefing("provincial-2025/2025年浙江省政府工作报告.txt", text)
    assert (b.title, b.year, b.issue, b.date) == ("2025年浙江省政府工作报告", 2025, None, "2025-01-14")
    gdp = next(s for s in b.sentences if "5.5%" in s.text)
    assert gdp.section == ("一、",)
    last = b.sentences[-1]
    assert last.text == "大力推进“两重”建设。" and last.section == ("一、", "（一）")


def test_year_from_file_name_when_the_text_has_none() -> None:
    b = parse_briefing("2023_工作总结.txt", "工作总结材料汇编\n一、概况\n完成项目 3 个。")
    assert b.year == 2023 and b.title == "工作总结材料汇编"


def test_a_speech_without_a_title_is_titled_by_its_file_not_by_its_first_heading() -> None:
    """"各位代表：" and a sentence open the speech: "一、2024年工作回顾" after them is a section, not the title."""
    b = parse_briefing("national/2025_国务院政府工作报告.txt", SPEECH)
    assert b.title == "2025_国务院政府工作报告" and b.year == 2025
    assert any(s.text == "国内生产总值达到134.9万亿元。" and s.section_titles for s in b.sentences)


@pytest.mark.parametrize("first", [
    "政府工作报告。 贵州日报天眼新闻记者 李森 摄",  # a photo caption above the title line
    "从今年开始，我国将实施新世纪第一个五年计划。中国共产党十五届五中全会通过的",  # a wrapped first sentence
])
def test_a_line_with_a_sentence_stop_in_it_is_no_title(first: str) -> None:
    """The prose has begun (or a caption stands above the title): the file names the document."""
    text = f"{first}\n政府工作报告\n\n一、工作回顾\n\n全年增长5%。\n"
    b = parse_briefing("provincial-2026/2026_贵州省_政府工作报告.txt", text)
    assert b.title == "2026_贵州省_政府工作报告"
