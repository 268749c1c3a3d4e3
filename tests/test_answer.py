"""The answerer with a deterministic embedder: verbatim quotes, the figure, newest first, provenance, JSON."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from paths import ROOT

from index.answer import REFUSALS, Weights, build_answer, tightest_span
from index.build import build_index
from index.embed import FakeEmbedder
from index.errors import BadQuestion
from index.library import Library
from index.provenance import ProvenanceError, check_answer
from index.records import Answer, Figure, Sentence
from index.render import NOT_FOUND, answer_json, format_answer
from index.search import Searcher
from index.serial import answer_from_dict, answer_to_dict
from index.store import load
from index.validate import validate_question
from index.why_refused import WHY_REFUSED

LATER = Path(__file__).parent / "fixtures" / "later" / "宁波支援合作工作简报_2023第3期.txt"
# The fake embedder's cosines are not e5's: the dense floor is the real model's and is tested there.
OPEN = replace(Weights(), min_dense_zh=-1.0, min_dense_en=-1.0)


def _searcher(folder: Path, tmp_path: Path) -> Searcher:
    emb = FakeEmbedder()
    build_index(folder, tmp_path / "idx", emb)
    return Searcher(load(tmp_path / "idx"), emb)


def test_answer_quotes_the_figure_sentence_verbatim(seed_folder: Path, tmp_path: Path) -> None:
    searcher = _searcher(seed_folder, tmp_path)
    a = build_answer("消薄飞地累计返利多少？", searcher, weights=OPEN)
    assert a.answered and a.figure is not None
    assert (a.figure.text, a.figure.value, a.figure.unit) == ("932.7 万元", 9327000.0, "元")
    assert a.answer is not None and "累计返利 932.7 万元" in a.answer and a.answer in a.quotes[0].text
    b = searcher.snapshot.briefings[a.quotes[0].source.file]
    for q in a.quotes:
        assert b.text[q.start : q.end] == q.text
    assert a.quotes[0].citation == "《宁波支援合作工作简报》2022年第10期（2022年9月20日）一、（二）"


def test_newest_briefing_leads_and_older_figures_follow(seed_folder: Path, tmp_path: Path) -> None:
    shutil.copy(LATER, seed_folder / LATER.name)
    a = build_answer("消薄飞地累计返利多少？", _searcher(seed_folder, tmp_path), weights=OPEN)
    assert a.answered and a.as_of == "2023-03-15"
    assert "1100 万元" in a.quotes[0].text and a.figure is not None and a.figure.value == 11000000.0
    assert any("932.7 万元" in q.text for q in a.quotes[1:])


def test_unknown_places_are_refused_with_the_nearest_sections(seed_folder: Path, tmp_path: Path) -> None:
    a = build_answer("余姚对口支援新疆阿克苏的资金有多少？", _searcher(seed_folder, tmp_path), weights=OPEN)
    assert not a.answered and a.quotes == () and a.figure is None and a.nearest
    assert a.refused_by == "key terms"  # 新疆 and 阿克苏 stand nowhere in the briefing
    assert answer_json(a)["refused_by"] == "key terms"
    assert format_answer(a).splitlines()[:2] == [NOT_FOUND, WHY_REFUSED["key terms"]]


def test_a_year_the_briefings_do_not_cover_is_refused(seed_folder: Path, tmp_path: Path) -> None:
    a = build_answer("2023年消薄飞地返利多少？", _searcher(seed_folder, tmp_path), weights=OPEN)
    assert not a.answered


def test_json_has_the_documented_shape(seed_folder: Path, tmp_path: Path) -> None:
    a = build_answer("消薄飞地累计返利多少？", _searcher(seed_folder, tmp_path), weights=OPEN)
    data = answer_json(a)
    assert set(data) >= {"question", "answered", "answer", "figure", "quotes", "refused_by"}
    assert data["refused_by"] is None  # answered
    assert set(data["figure"]) == {"text", "value", "unit"}
    q = data["quotes"][0]
    assert set(q) == {"text", "start", "end", "score", "source", "citation"}
    assert set(q["source"]) == {"file", "title", "issue", "date", "section"}
    assert q["source"]["file"] == "宁波支援合作工作简报_2022第10期.txt" and q["source"]["date"] == "2022-09-20"
    assert q["source"]["issue"] == "2022年第10期" and q["source"]["section"] == ["一、", "（二）"]
    json.dumps(data, ensure_ascii=False)


def test_provenance_rejects_a_quote_that_is_not_verbatim(seed_folder: Path, tmp_path: Path) -> None:
    searcher = _searcher(seed_folder, tmp_path)
    a = build_answer("消薄飞地累计返利多少？", searcher, weights=OPEN)
    texts = {f: b.text for f, b in searcher.snapshot.briefings.items()}
    check_answer(a, texts)
    forged = replace(a.quotes[0], text=a.quotes[0].text.replace("932.7", "933.7"))
    with pytest.raises(ProvenanceError):
        check_answer(replace(a, quotes=(forged, *a.quotes[1:])), texts)
    with pytest.raises(ProvenanceError, match="figure"):
        check_answer(replace(a, answer=None, figure=Figure("5000 万元", 5e7, "元")), texts)


def test_tightest_span_is_the_clause_with_the_figure() -> None:
    text = "截至目前，“消薄飞地”已实现满租，累计返利 932.7 万元。"
    from index.segment import split_clauses

    s = Sentence(0, text, 0, len(text), "sentence", (), (), split_clauses(text))
    fig = Figure("932.7 万元", 9327000.0, "元", text.index("932.7"), text.index("。"))
    assert tightest_span(s, fig, []) == "累计返利 932.7 万元"


@pytest.mark.parametrize("question", ["", "   ", "🎉🎉🎉", "？？？", "问" * 501])
def test_bad_questions_get_a_message_not_a_search(question: str) -> None:
    with pytest.raises(BadQuestion):
        validate_question(question)


def test_ask_reads_questions_from_stdin_as_json_lines(seed_folder: Path, tmp_path: Path) -> None:
    env = {"BRIEFBOT_MODEL": "fake", "BRIEFBOT_INDEX": str(tmp_path / "idx"), "HF_HUB_OFFLINE": "1",
           "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    proc = subprocess.run(
        [sys.executable, "-m", "bot.cli", "ask", "-", "--json", "--briefings", str(seed_folder)],
        input="消薄飞地累计返利多少？\n\n余姚派出了多少技术人才？\n🎉\n", capture_output=True, text=True,
        cwd=ROOT, env=env, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [d["question"] for d in lines] == ["消薄飞地累计返利多少？", "余姚派出了多少技术人才？", "🎉"]
    assert "error" in lines[2] and all("answered" in d for d in lines[:2])


def test_library_swaps_in_a_rebuilt_index(seed_folder: Path, tmp_path: Path) -> None:
    from index.config import Settings

    settings = Settings(briefings=seed_folder, index=tmp_path / "idx", model="fake", cache=tmp_path)
    lib = Library.open(settings, embedder=FakeEmbedder())
    before = lib.info()
    shutil.copy(LATER, seed_folder / LATER.name)
    report = lib.rebuild()
    after = lib.info()
    assert report.files_indexed == 1 and report.files_reused == 1
    assert after.files == before.files + 1 and after.briefings[0].issue == "2023年第3期"
    ctx = lib.context(build_answer("消薄飞地累计返利多少？", lib.searcher, weights=OPEN).quotes[0])
    assert ctx.text[ctx.quote_start : ctx.quote_end] in ctx.text and ctx.quote_end > ctx.quote_start


def test_sentences_found_only_by_bm25_get_their_real_cosine(seed_folder: Path, tmp_path: Path) -> None:
    # A lexical-only hit once kept a cosine of 0 and so could never pass the dense floor.
    from index.answer import rescore
    from index.features import candidates
    from index.query import make_query

    searcher = _searcher(seed_folder, tmp_path)
    query = make_query("消薄飞地累计返利多少？", searcher)
    hits = searcher.search(query, k=30, mode="lexical")
    assert hits and all(h.dense is None for h in hits)
    found = candidates(searcher, query, hits, OPEN.planned_fit)
    scored = rescore(found, OPEN)
    for s in scored:
        row = searcher.row_of[(s.briefing.file, s.sentence.index)]
        assert s.dense == pytest.approx(float(searcher.dense_scores(query, [row])[0]), abs=1e-5)



def test_the_figure_beside_a_sentence_that_only_names_the_subject_answers(tmp_path: Path) -> None:
    """The best sentence names the park but holds no area: the sentence after it does, and answers."""
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "园区.txt").write_text(
        "园区简报\n\n一、产业园区\n\n松阳-余姚山海协作产业园累计开发土地的速度位居全省前列。"
        "截至目前，已开发 7.1 平方公里，入驻企业 65 家。\n", encoding="utf-8")
    a = build_answer("山海协作产业园累计开发了多少土地？", _searcher(folder, tmp_path), weights=OPEN)
    assert a.answered and a.quotes[0].text == "截至目前，已开发 7.1 平方公里，入驻企业 65 家。"
    assert a.figure is not None and a.figure.text == "7.1 平方公里"


def test_another_villages_figure_does_not_answer(seed_folder: Path, tmp_path: Path) -> None:
    searcher = _searcher(seed_folder, tmp_path)
    # The briefing gives 八都村's collective income gain; of 鹿亭乡中村 it gives an occupancy rate only.
    assert not build_answer("鹿亭乡中村的村集体每年增收多少？", searcher, weights=OPEN).answered
    a = build_answer("八都村的村集体每年增收多少？", searcher, weights=OPEN)
    assert a.answered and a.figure is not None and a.figure.text.startswith("20余万元")
    # A sentence naming the village asked about answers, whatever other places it names.
    assert build_answer("横樟村年均接待游客多少人次？", searcher, weights=OPEN).answered


def test_re_scoring_reads_as_many_hits_as_the_weights_say(seed_folder: Path, tmp_path: Path) -> None:
    from index.answer import question_candidates
    from index.query import make_query

    searcher = _searcher(seed_folder, tmp_path)
    query = make_query("消薄飞地累计返利多少？", searcher)
    few = question_candidates(query, searcher, weights=replace(OPEN, retrieve=3))
    many = question_candidates(query, searcher, weights=replace(OPEN, retrieve=30))
    assert 3 <= len(few) < len(many)  # three hits and their neighbours
    assert {c.sentence.index for c in few} <= {c.sentence.index for c in many}


def test_another_place_of_the_same_level_is_told_by_its_suffix() -> None:
    from index.features import another_of_the_same_level

    village = "鹿亭乡中村的村集体每年增收多少？"
    assert another_of_the_same_level(village, "余姚资金援助松阳古市镇八都村发展民宿，带动村集体每年增收20余万元；")
    assert not another_of_the_same_level(village, "余姚鹿亭乡中村引进乡伴树蛙部落项目，平均入住率达到95%以上。")
    assert not another_of_the_same_level("松阳累计返利多少？", "八都村每年增收20余万元；")  # no level asked
    # An autonomous region is a province: a district named in its report is no other one of its kind.
    assert not another_of_the_same_level("2025年广西壮族自治区地区生产总值是多少？", "浦东新区生产总值增长5%。")


def test_a_sentence_that_itself_asks_is_not_the_answer(tmp_path: Path) -> None:
    from fake_index import searcher_over

    doc = (
        "电视剧观察\n\n一、观众来信\n\n近期不少观众来信询问剧情。观众常问：《狂飙》是什么类型的电视剧？\n\n"
        "《狂飙》这部电视剧的类型是反黑刑侦剧，讲述一线刑警与黑恶势力的较量。\n"
    )
    searcher = searcher_over(tmp_path, {"观察.txt": doc})
    a = build_answer("《狂飙》是什么类型的电视剧？", searcher, weights=OPEN)
    assert a.answered and a.quotes[0].text.startswith("《狂飙》这部电视剧的类型是反黑刑侦剧")
    assert all(not q.text.endswith("？") for q in a.quotes)  # nor is it quoted beside the answer


def test_every_refusal_a_reader_can_act_on_is_put_in_words() -> None:
    assert set(WHY_REFUSED) == set(REFUSALS) - {"model", "nothing found"}


def test_the_refusal_survives_the_stored_form() -> None:
    refused = Answer("2023年返利多少？", False, None, None, (), refused_by="other year")
    assert answer_from_dict(json.loads(json.dumps(answer_to_dict(refused)))) == refused
    old = answer_to_dict(refused)
    del old["refused_by"]  # stored before refusals were named
    assert answer_from_dict(old).refused_by == ""
    with pytest.raises(TypeError):  # a damaged store: the documented error, not a crash when the reply is drawn
        answer_from_dict({**answer_to_dict(refused), "refused_by": ["other year"]})
