"""`briefbot eval` scoring without a model: the hit rule, question files, and the split report."""

from __future__ import annotations

import json
from pathlib import Path

from index.cli import build_parser
from index.evaluate import Outcome, Question, Score, format_refusals, format_table, load_questions
from index.gold import found_at


def test_one_part_is_the_rank_of_the_first_quote_holding_any_alternative() -> None:
    ranked = [("a.txt", "无关"), ("b.txt", "共131万人"), ("a.txt", "1313851人")]
    assert found_at(ranked, None, [["1313851", "131万"]]) == 2
    assert found_at(ranked, "a.txt", [["1313851", "131万"]]) == 3
    assert found_at(ranked, "c.txt", [["131万"]]) is None


def test_several_parts_may_be_shared_between_quotes() -> None:
    ranked = [("a", "1月3日宣誓"), ("b", "别的"), ("c", "1月12日首次会议")]
    assert found_at(ranked, None, [["1月3日"], ["1月12日"]]) == 3
    assert found_at([("a", "1月3日与1月12日")], None, [["1月3日"], ["1月12日"]]) == 1
    assert found_at(ranked[:2], None, [["1月3日"], ["1月12日"]]) is None
    assert found_at(ranked, None, []) is None


def test_question_files_carry_parts_and_origin(tmp_path: Path) -> None:
    rows = [
        {"id": "rgb-int-000", "question": "两次会议的时间", "answerable": True, "file": None,
         "gold": ["1月3日", "1月12日"], "figure": None, "parts": [["1月3日"], ["1月12日"]],
         "origin": "rgb-zh/zh_int.json#0"},
        {"id": "s-1", "question": "返利多少？", "answerable": True, "file": "b.txt", "gold": ["返利 9 万元"],
         "figure": None, "origin": "blind"},
        {"id": "s-2", "question": "人口多少？", "answerable": False, "file": None, "gold": [], "figure": None},
    ]
    path = tmp_path / "q.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    q = load_questions([path])
    assert q[0].parts == (("1月3日",), ("1月12日",)) and q[0].file is None
    assert [x.origin for x in q] == ["rgb-zh/zh_int.json#0", "blind", "own"]


def _q(qid: str, **kw: object) -> Question:
    base: dict[str, object] = {"id": qid, "question": "?", "answerable": True, "file": None, "gold": ("甲",),
                               "figure": None}
    base.update(kw)
    return Question(**base)  # type: ignore[arg-type]


def test_score_rows_know_their_half_and_a_pooled_hit() -> None:
    score = Score("hybrid")
    score.add(_q("rgb-refine-000"), Outcome([("x.txt", "乙"), ("y.txt", "甲")]))
    score.add(_q("rep-001", parts=(("甲",), ("乙",))), Outcome([("x.txt", "乙"), ("y.txt", "甲")]))
    score.add(_q("seed-001", answerable=False, gold=()), Outcome([], refused=True))
    assert [(r["split"], r["rank"]) for r in score.rows] == [("dev", 2), ("test", 2), ("dev", None)]
    test_only = score.summary([r for r in score.rows if r["split"] == "test"])
    assert test_only["questions"] == 1 and test_only["top3"] == 1.0 and test_only["top1"] == 0.0
    assert score.summary()["refusal_recall"] == 1.0


def test_the_table_shows_the_group_column() -> None:
    s = Score("hybrid")
    s.add(_q("a"), Outcome([("f", "甲")]))
    table = format_table([{**s.summary(), "group": "test"}])
    assert table.splitlines()[0].startswith("| system | group |") and "| hybrid | test |" in table


def test_refusals_are_counted_by_the_rule_that_refused_them() -> None:
    s = Score("hybrid")
    s.add(_q("a", answerable=False, gold=()), Outcome([], refused=True, refused_by="measure"))
    s.add(_q("b", answerable=False, gold=()), Outcome([], refused=True, refused_by="key terms"))
    s.add(_q("c"), Outcome([], refused=True, refused_by="measure"))  # a false refusal
    s.add(_q("d"), Outcome([("f", "甲")]))  # answered: no rule refused it
    counts = s.refusals()
    # in the order the rules are tried (index/answer.py REFUSALS), not the order met
    assert list(counts) == ["key terms", "measure"]
    assert counts["measure"] == {"answerable": 1, "unanswerable": 1}
    table = format_refusals({"dev": counts, "dev en": counts})
    assert "| dev | measure | 1 | 1 |" in table and "dev en" not in table  # the half only; groups are in the JSON


def test_eval_takes_a_split() -> None:
    parser, _ = build_parser()
    assert parser.parse_args(["eval", "q.jsonl"]).split == "all"
    assert parser.parse_args(["eval", "q.jsonl", "--split", "test"]).split == "test"
