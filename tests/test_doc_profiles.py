"""Document kinds as profiles: the detector, each profile alone, plan wording, and answers over each kind."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from fake_index import searcher_over
from paths import SEED

from index.answer import Weights, build_answer, question_candidates
from index.build import build_index
from index.cite import doc_label
from index.doc_profiles import PLAIN, WorkReport, evidence_label, profile_of
from index.embed import FakeEmbedder
from index.features import speaking_for_the_nation
from index.parse import parse_briefing
from index.plans import other_years, plan_wording, results_before_plan
from index.query import make_query
from index.records import Briefing, Sentence
from index.search import Searcher
from index.store import load

OPEN = replace(Weights(), min_dense_zh=-1.0, min_dense_en=-1.0)  # the fake embedder's cosines are not e5's


def _report(year: int, body: str, title: str | None = None, file: str | None = None) -> Briefing:
    title = title or f"{year}年浙江省政府工作报告"
    text = f"{title}\n{year}年1月14日在浙江省人民代表大会上\n{body}\n"
    return parse_briefing(file or f"provincial-{year}/{year}年浙江省政府工作报告.txt", text)


# As reports write it: the year reviewed is "过去一年", named by no heading; only the report's own year is written.
REPORT_2025 = (
    "一、过去一年工作回顾\n"
    "过去一年，全省生产总值增长5.5%，城镇新增就业118.3万人。\n"
    "二、今年工作总体要求和主要目标\n"
    "2025年全省经济社会发展的主要预期目标是：生产总值增长5.5%左右。\n"
)
REPORT_2024 = (
    "一、过去一年工作回顾\n"
    "过去一年，全省生产总值增长6%，城镇新增就业121.4万人。\n"
)
NOTES = (
    "合作社工作笔记\n"
    "\n"
    "2023年，合作社农产品销售额达到1200万元，带动农户增收。\n"
    "2024年，合作社新建冷库两座，农产品销售额达到1500万元。\n"
    "合作社现有社员86户。\n"
)


# The detector, on documents parsed the way the index parses them.

def test_a_work_report_is_told_by_its_title_and_year() -> None:
    assert profile_of(_report(2025, REPORT_2025)) == WorkReport(2025, "浙江")
    # the year may come from the file name alone
    b = _report(2026, REPORT_2025, title="山东省政府工作报告", file="provincial-2026/2026_山东省_政府工作报告.txt")
    assert profile_of(b) == WorkReport(2026, "山东")


@pytest.mark.parametrize(
    ("title", "file", "region"),
    [
        ("政府工作报告", "provincial-2026/2026_四川省_政府工作报告.txt", "四川"),
        ("2025年广东省政府工作报告", "provincial-2025/2025年广东省政府工作报告.txt", "广东"),
        ("2026_广西壮族自治区_政府工作报告", "p/2026_广西壮族自治区_政府工作报告.txt", "广西"),
        ("2026_内蒙古自治区_政府工作报告", "p/2026_内蒙古自治区_政府工作报告.txt", "内蒙古"),
        ("2026_北京市_政府工作报告", "p/2026_北京市_政府工作报告.txt", "北京"),
        ("2019年国务院政府工作报告", "national/2019_国务院政府工作报告.txt", ""),  # the whole country
    ],
)
def test_a_work_report_knows_the_region_it_speaks_for(title: str, file: str, region: str) -> None:
    b = parse_briefing(file, f"{title}\n一、过去一年工作回顾\n生产总值增长5.5%。\n")
    assert profile_of(b) == WorkReport(int(file.split("/")[-1][:4]), region)


def test_a_title_without_work_report_or_without_a_year_is_plain() -> None:
    assert profile_of(_report(2025, REPORT_2025, title="2025年浙江省统计公报")) is PLAIN
    no_year = parse_briefing("reports/政府工作报告.txt", "政府工作报告\n一、回顾\n生产总值增长5.5%。\n")
    assert profile_of(no_year) is PLAIN


def test_a_briefing_and_notes_are_plain() -> None:
    briefing = parse_briefing(SEED.name, SEED.read_text(encoding="utf-8"))
    assert briefing.issue_label == "2022年第10期" and profile_of(briefing) is PLAIN
    assert profile_of(parse_briefing("notes/笔记.md", NOTES)) is PLAIN


# Each profile alone.

def test_work_report_names_the_year_it_reviews() -> None:
    b = _report(2025, REPORT_2025)
    label = WorkReport(2025).evidence_label(b)
    assert "2024年" in label and "2025" not in label and "浙江省政府工作报告" in label
    assert evidence_label(b) == label  # what the general path sees


def test_work_report_plans_its_own_year_only() -> None:
    report = WorkReport(2025)
    assert report.plans_only((2025,)) and report.plans_only((2024, 2025))
    assert not report.plans_only((2024,)) and not report.plans_only(())
    # a plan asked of another year is not this report's "今年": it plans 2025 only; of its own year it says nothing
    # more than its sentences do (it reviews the year before too)
    assert report.plans_of((2024,)) == -1.0 and report.plans_of((2025,)) == 0.0 and report.plans_of(()) == 0.0
    assert report.plans_of((2021, 2025)) == 0.0 and report.plans_of((2026, 2030)) == -1.0  # a plan's span of years


def test_work_report_gives_results_of_the_year_before_its_own() -> None:
    report = WorkReport(2025)
    assert report.results_of((2024,)) == 1.0 and report.results_of((2025,)) == -1.0
    assert report.results_of((2023,)) == 0.0 and report.results_of(()) == 0.0
    # "今年" in the 2025 report is 2025, which it only plans: not 2024's result
    assert report.results_of((2024,), "今年发展主要预期目标是：国内生产总值增长5%左右。") == -1.0
    assert report.results_of((2024,), "全年国内生产总值增长5%。") == 1.0


def test_a_provincial_figure_naming_no_place_is_the_provinces() -> None:
    sichuan = WorkReport(2026, "四川")
    assert sichuan.speaks_for_another(("成都",), "实现地区生产总值67665亿元，增长5.5%。")
    assert not sichuan.speaks_for_another(("成都",), "成都市地区生产总值突破2.4万亿元。")
    assert not sichuan.speaks_for_another(("四川",), "实现地区生产总值67665亿元。")  # its own region
    assert not sichuan.speaks_for_another(("四川省",), "实现地区生产总值67665亿元。")
    assert sichuan.speaks_for_another(("全国",), "新能源汽车产量突破25万辆。")  # a national figure is asked
    assert not sichuan.speaks_for_another((), "实现地区生产总值67665亿元。")
    assert not WorkReport(2025).speaks_for_another(("成都",), "国内生产总值增长5%。")  # the State Council's
    assert not PLAIN.speaks_for_another(("松阳",), "入驻企业65家。")  # a briefing names its subject above


def test_a_question_about_the_whole_country_is_asked_of_documents_that_may_speak_for_it(tmp_path: Path) -> None:
    review = "\n\n一、过去一年工作回顾\n\n"
    state, province = "2023年国务院政府工作报告", "2023年广东省政府工作报告"
    searcher = searcher_over(tmp_path, {
        f"{state}.txt": f"{state}{review}全年国内生产总值增长3%。\n",
        f"{province}.txt": f"{province}{review}全省地区生产总值增长1.9%。\n",
        "简报.txt": "工作简报\n\n全国对口支援工作会议召开。\n",
    })
    national = make_query("2022年我国国内生产总值增长多少？", searcher)
    assert sorted(speaking_for_the_nation(searcher, None, national) or []) == [f"{state}.txt", "简报.txt"]
    only = ["2023年广东省政府工作报告.txt"]
    assert speaking_for_the_nation(searcher, only, national) == only  # none would be left: the filter gives way
    guangdong = make_query("2022年广东地区生产总值增长多少？", searcher)
    assert speaking_for_the_nation(searcher, None, guangdong) is None  # a place is named: nothing is filtered


def test_plain_adds_nothing() -> None:
    b = parse_briefing("notes/笔记.md", NOTES)
    assert PLAIN.evidence_label(b) == doc_label(b) == evidence_label(b)
    assert not PLAIN.plans_only((2023,)) and not PLAIN.plans_only(())
    assert PLAIN.results_of((2023,)) == 0.0 and PLAIN.results_of((2023,), "今年新增就业1万人。") == 0.0
    assert PLAIN.plans_of((2023,)) == 0.0 and PLAIN.plans_label(b) == ""


# Plan wording: general, whatever the document's kind.

def _sentence(text: str, titles: tuple[str, ...] = ()) -> Sentence:
    return Sentence(0, text, 0, len(text), "sentence", titles, titles)


@pytest.fixture
def searcher(tmp_path: Path) -> Searcher:
    folder = tmp_path / "docs"
    (folder / "provincial-2025").mkdir(parents=True)
    (folder / "provincial-2024").mkdir()
    (folder / "notes").mkdir()
    (folder / "provincial-2025" / "2025年浙江省政府工作报告.txt").write_text(
        _report(2025, REPORT_2025).text, encoding="utf-8")
    (folder / "provincial-2024" / "2024年浙江省政府工作报告.txt").write_text(
        _report(2024, REPORT_2024).text, encoding="utf-8")
    (folder / "notes" / "合作社笔记.md").write_text(NOTES, encoding="utf-8")
    embedder = FakeEmbedder()
    build_index(folder, tmp_path / "idx", embedder)
    return Searcher(load(tmp_path / "idx"), embedder)


def test_plan_wording(searcher: Searcher) -> None:
    asks_2024 = make_query("2024年生产总值增长多少？", searcher)
    assert plan_wording(_sentence("主要预期目标是：生产总值增长5.5%左右。"), asks_2024)
    assert plan_wording(_sentence("生产总值增长5.5%。", ("二、2025年工作总体要求和主要目标",)), asks_2024)
    assert plan_wording(_sentence("五年来，生产总值年均增长6%。"), asks_2024)  # a span of years
    assert not plan_wording(_sentence("五年来，生产总值年均增长6%。"), make_query("生产总值增长多少？", searcher))
    assert not plan_wording(_sentence("过去一年，全省生产总值增长5.5%。", ("一、过去一年工作回顾",)), asks_2024)
    assert other_years(("三、2026年重点工作",), (2024,)) and not other_years(("一、2024年工作回顾",), (2024,))
    assert not other_years(("（二）飞地经济引领消薄增收",), (2024,))


def test_a_standing_kept_for_years_is_not_a_span_of_years(searcher: Searcher) -> None:
    """"连续39年居全国首位" says how long a rank has held; the figure beside it is the year's own."""
    asks_2024 = make_query("2024年进出口总额增长多少？", searcher)
    assert not plan_wording(_sentence("进出口总额突破9万亿元、增长9.8%，总量连续39年居全国首位。"), asks_2024)
    assert not plan_wording(_sentence("地方一般公共预算收入1.35万亿元，连续34年稳居全国首位。"), asks_2024)
    assert plan_wording(_sentence("进出口总额连续3年增长10%以上。"), asks_2024)


def test_a_target_met_is_a_result(searcher: Searcher) -> None:
    """"顺利完成全年主要目标任务" says the targets were met, and "目标任务体系" names them: the figures are results."""
    asks_2025 = make_query("2025年粮食产量是多少？", searcher)
    summary = ("一年来，聚焦“1+2+4+N”目标任务体系，生产总值增长5.6%，粮食产量1350.97亿斤，"
               "主要指标增速居全国前列，顺利完成全年主要目标任务。")
    assert not plan_wording(_sentence(summary), asks_2025)
    assert not plan_wording(_sentence("全年实现预期目标，城镇新增就业52.6万人。"), asks_2025)
    assert plan_wording(_sentence("主要预期目标是：粮食产量稳定在1300亿斤以上。"), asks_2025)
    assert plan_wording(_sentence("力争完成投资100亿元，实现粮食产量1300亿斤目标。"), asks_2025)  # 力争 still plans


def test_the_results_before_a_plan_cue_are_results(searcher: Searcher) -> None:
    """A cue holds for its own clause and those after it: a span of years named last leaves the figures before
    it as this year's; a target named first takes the whole list."""
    asks_2025 = make_query("2025年粮食产量是多少？", searcher)
    assert results_before_plan(_sentence("地区生产总值增长5.1％，粮食产量1347万吨，能耗降幅完成“十四五”任务。"),
                               asks_2025) == "地区生产总值增长5.1％，粮食产量1347万吨，"
    assert results_before_plan(_sentence("预期目标是：生产总值增长5%左右，粮食产量1300万吨。"), asks_2025) == ""
    assert results_before_plan(_sentence("粮食产量1347万吨。", ("二、2026年主要目标",)), asks_2025) == ""


def test_a_result_before_a_span_of_years_keeps_its_fit(tmp_path: Path) -> None:
    """"…粮食产量1347万吨，…完成“十四五”任务" answers "2025年粮食产量是多少" rather than being refused as a plan."""
    folder = tmp_path / "docs"
    (folder / "provincial-2026").mkdir(parents=True)
    body = "一、过去一年工作回顾\n地区生产总值增长5.1％，粮食产量1347万吨，能耗降幅完成“十四五”任务。\n"
    b = _report(2026, body)
    (folder / b.file).write_text(b.text, encoding="utf-8")
    embedder = FakeEmbedder()
    build_index(folder, tmp_path / "idx", embedder)
    a = build_answer("2025年浙江省粮食产量是多少？", Searcher(load(tmp_path / "idx"), embedder), weights=OPEN)
    assert a.answered and a.figure is not None and a.figure.text == "1347万吨"


# Answers over each kind.

def test_a_year_is_answered_from_the_report_that_reviews_it(searcher: Searcher) -> None:
    a = build_answer("2024年浙江省生产总值增长多少？", searcher, weights=OPEN)
    assert a.answered and a.figure is not None and a.figure.text == "5.5%"
    assert a.quotes[0].source.file == "provincial-2025/2025年浙江省政府工作报告.txt"
    assert a.quotes[0].text == "过去一年，全省生产总值增长5.5%，城镇新增就业118.3万人。"  # the result, not the target
    a = build_answer("2023年浙江省城镇新增就业多少人？", searcher, weights=OPEN)
    assert a.answered and a.quotes[0].source.file == "provincial-2024/2024年浙江省政府工作报告.txt"
    assert a.figure is not None and a.figure.text == "121.4万人"


def test_notes_of_no_known_kind_answer_normally(searcher: Searcher) -> None:
    a = build_answer("2023年合作社农产品销售额是多少？", searcher, weights=OPEN)
    assert a.answered and a.quotes[0].source.file == "notes/合作社笔记.md"
    assert a.figure is not None and a.figure.text == "1200万元"
    a = build_answer("2024年合作社农产品销售额是多少？", searcher, weights=OPEN)
    assert a.answered and a.figure is not None and a.figure.text == "1500万元"
    a = build_answer("合作社有多少户社员？", searcher, weights=OPEN)
    assert a.answered and a.figure is not None and a.figure.text == "86户"


def test_a_year_only_planned_in_the_collection_is_not_answered_by_its_target(tmp_path: Path) -> None:
    """No report in the collection reviews 2025: the 2025 report's target "118万人以上" is no result of it."""
    b = _report(2025, "二、今年主要目标\n2025年全省城镇新增就业118万人以上，城镇调查失业率5.5%左右。\n")
    searcher = searcher_over(tmp_path, {b.file: b.text})
    a = build_answer("2025年浙江省城镇新增就业多少人？", searcher, weights=OPEN)
    assert not a.answered and a.figure is None and a.nearest  # the target's section is shown, not quoted
    plan = build_answer("2025年浙江省城镇新增就业目标是多少？", searcher, weights=OPEN)
    assert plan.answered and plan.figure is not None and plan.figure.text == "118万人以上"


def test_a_plan_asked_is_evidenced_by_the_year_the_report_plans(tmp_path: Path) -> None:
    """The 2007 report words its plan "今年" and names 2007 nowhere; its name gives 2006 as the year it reviews,
    which is no evidence for a plan of 2007 — the year it plans is."""
    assert WorkReport(2007).plans_label(_report(2007, "")) == "2007年" and PLAIN.plans_label(_report(2007, "")) == ""
    b = _report(2007, "一、过去一年工作回顾\n过去一年，全省财政赤字2750亿元。\n"
                      "二、今年工作\n今年全省财政赤字拟安排2450亿元，比去年预算赤字减少500亿元。\n")
    searcher = searcher_over(tmp_path, {b.file: b.text})
    plan = build_answer("What deficit did Zhejiang budget for 2007?", searcher, weights=OPEN)
    assert plan.answered and plan.figure is not None and plan.figure.text == "2450亿元"
    assert not build_answer("2007年浙江财政赤字是多少？", searcher, weights=OPEN).answered  # no result of 2007


def test_a_plan_asked_is_not_the_next_reports_plan_for_its_own_year(tmp_path: Path) -> None:
    """"今年拟发行1500亿元" in the 2002 report is 2002's plan; the 2001 report's own line, naming no year either, is
    2001's. A sentence naming the year asked keeps it, whatever year its report plans."""
    files = {}
    for year, body in ((2001, "二、今年的主要任务\n继续发行1400亿元长期建设国债，集中用于在建项目。\n"),
                       (2002, "二、今年的主要任务\n今年拟发行1500亿元长期建设国债。\n"),
                       (1982, "二、第六个五年计划\n到一九八五年，全国粮食产量计划达到三亿六千万吨。\n"),
                       (1985, "一、过去一年的工作\n全国粮食产量达到四亿零七百多万吨，比上年增长５．１％。\n")):
        b = _report(year, body, title=f"{year}年国务院政府工作报告", file=f"national/{year}_国务院政府工作报告.txt")
        files[b.file] = b.text
    searcher = searcher_over(tmp_path, files)
    asked = make_query("2001年国家打算发行多少长期建设国债？", searcher)
    dated = {c.sentence.text[:6]: c.values["agreement"] for c in question_candidates(asked, searcher, weights=OPEN)}
    assert dated["今年拟发行1"] == -1.0 and dated["继续发行14"] == 0.0
    grain_asked = make_query("按“六五”计划，到1985年全国粮食产量计划要达到多少吨？", searcher)
    dated = {c.sentence.text[:6]: c.values["agreement"]
             for c in question_candidates(grain_asked, searcher, weights=OPEN)}
    assert dated["到一九八五年"] == 0.0  # it names the year asked: no report's year overrules it
    bonds = build_answer("2001年国家打算发行多少长期建设国债？", searcher, weights=OPEN)
    assert bonds.answered and bonds.figure is not None and bonds.figure.text == "1400亿元"
    grain = build_answer("按“六五”计划，到1985年全国粮食产量计划要达到多少吨？", searcher, weights=OPEN)
    assert grain.answered and grain.figure is not None and grain.figure.text == "三亿六千万吨"


def test_a_report_named_by_its_year_is_the_document_asked(tmp_path: Path) -> None:
    """"1975年的报告" is the report titled 1975, not a figure of 1975 (which that report does not give: it reviews
    1974); its year is no quoted figure either ("一九七五年" in another report's sentence)."""
    files = {}
    said_in = {1975: "跟我国有经贸往来的国家和地区达到一百五十多个", 1976: "有经济贸易关系的国家和地区达到一百六十多个"}
    for year, said in said_in.items():
        b = _report(year, f"一、工作回顾\n{said}。\n",
                    title=f"{year}年国务院政府工作报告", file=f"national/{year}_国务院政府工作报告.txt")
        files[b.file] = b.text
    searcher = searcher_over(tmp_path, files)
    # the 1975 report words it as the question does; the one asked about is 1976's
    for question, count in (("1976年的报告里说，跟我国有经贸往来的国家和地区有多少个？", "一百六十多个"),
                            ("According to the 1975 report, with how many countries and regions did China trade?",
                             "一百五十多个")):
        a = build_answer(question, searcher, weights=OPEN)
        assert a.answered and a.figure is not None and a.figure.text == count, question


def test_a_city_or_the_nation_is_not_answered_by_a_provinces_figure(tmp_path: Path) -> None:
    searcher = searcher_over(tmp_path, {"provincial-2026/2026_四川省_政府工作报告.txt": (
        "政府工作报告\n一、过去一年工作回顾\n过去一年，全省实现地区生产总值67665亿元，增长5.5%。\n"
        "成都平原经济区加快建设，新能源汽车产量突破25万辆。\n")})
    own = build_answer("2025年四川地区生产总值是多少？", searcher, weights=OPEN)
    assert own.answered and own.figure is not None and own.figure.text == "67665亿元"
    assert not build_answer("2025年成都市地区生产总值是多少？", searcher, weights=OPEN).answered
    assert not build_answer("2025年全国新能源汽车产量是多少？", searcher, weights=OPEN).answered


def test_the_report_that_reviews_the_year_beats_the_one_that_plans_it(tmp_path: Path) -> None:
    """The 2025 report's own line on 2025 shares more words with the question, but only the 2026 report's
    "过去一年" gives 2025's result."""
    folder = tmp_path / "docs"
    for year, body in ((2025, "二、2025年工作\n2025年全省生产总值增长5.5%以上。\n"),
                       (2026, "一、过去一年工作回顾\n过去一年，经济稳中有进，生产总值增长5.8%。\n")):
        (folder / f"provincial-{year}").mkdir(parents=True)
        b = _report(year, body)
        (folder / b.file).write_text(b.text, encoding="utf-8")
    embedder = FakeEmbedder()
    build_index(folder, tmp_path / "idx", embedder)
    searcher = Searcher(load(tmp_path / "idx"), embedder)
    question = "2025年浙江省生产总值增长多少？"
    a = build_answer(question, searcher, weights=OPEN)
    assert a.answered and a.quotes[0].text == "过去一年，经济稳中有进，生产总值增长5.8%。"
    # Two things hold it: the agreement of years and the plan's lost fit (the 2025 report only plans 2025).
    blind = build_answer(question, searcher, weights=replace(OPEN, agreement=0.0))
    assert blind.quotes[0].source.file.startswith("provincial-2026/")
