"""bench/make_rgb.py on a small file in RGB's format: pooled, deduplicated, fixed by the seed."""

from __future__ import annotations

import json
from pathlib import Path

from paths import bench_script

rgb = bench_script("make_rgb")


def _source(tmp_path: Path) -> Path:
    src = tmp_path / "rgb-zh"
    src.mkdir()
    refine = [
        {"id": 0, "query": "事故死亡人数", "answer": ["12人"], "positive": ["事故造成12人\t死亡。"],
         "negative": ["另一起事故。", "共享的片段。"]},
        {"id": 1, "query": "人口多少", "answer": [["1313851", "131万"]], "positive": ["人口131万。"],
         "negative": ["共享的片段。"]},
    ]
    integ = [{"id": 5, "query": "两次会议的时间", "answer": ["1月3日", "1月12日"], "positive": [
        ["1月3日宣誓。"], ["1月12日开会。"]], "negative": ["无关。"]}]
    for name, rows in (("zh_refine.json", refine), ("zh_int.json", integ)):
        (src / name).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return src


def _docs(dest: Path) -> str:
    return "".join(p.read_text(encoding="utf-8") for p in sorted((dest / "docs").glob("*.txt")))


def test_refine_pools_every_passage_once_with_any_answer_counting(tmp_path: Path) -> None:
    dest = tmp_path / "out"
    assert rgb.main(["--source", str(_source(tmp_path)), "--dest", str(dest), "--files", "2"]) == 0
    text = _docs(dest)
    assert text.count("共享的片段。") == 1 and "事故造成12人 死亡。" in text
    assert len(list((dest / "docs").glob("*.txt"))) == 2
    qs = [json.loads(line) for line in (dest / "questions.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [q["gold"] for q in qs] == [["12人"], ["1313851", "131万"]]
    assert all(q["file"] is None and q["answerable"] and "parts" not in q for q in qs)


def test_int_keeps_its_sub_answers_as_parts(tmp_path: Path) -> None:
    dest = tmp_path / "out"
    assert rgb.main(["--set", "int", "--source", str(_source(tmp_path)), "--dest", str(dest)]) == 0
    q = json.loads((dest / "questions.jsonl").read_text(encoding="utf-8"))
    assert q["parts"] == [["1月3日"], ["1月12日"]] and q["gold"] == ["1月3日", "1月12日"]
    assert "1月12日开会。" in _docs(dest)


def test_the_same_seed_lays_out_the_same_files(tmp_path: Path) -> None:
    src = _source(tmp_path)
    a, b = tmp_path / "a", tmp_path / "b"
    for dest in (a, b):
        rgb.main(["--source", str(src), "--dest", str(dest), "--files", "3"])
    assert [p.read_text(encoding="utf-8") for p in sorted((a / "docs").glob("*"))] == [
        p.read_text(encoding="utf-8") for p in sorted((b / "docs").glob("*"))]


def test_a_missing_source_is_an_error(tmp_path: Path) -> None:
    assert rgb.main(["--source", str(tmp_path / "nowhere")]) == 1
