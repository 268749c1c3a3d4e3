"""The meeting sheet: built from answers, rendered as Markdown and as a .docx opened back with python-docx."""

from __future__ import annotations

import io
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import docx
import pytest
from later_issues import later_issue
from paths import ROOT, SEED, SEED_NAME

from index.answer import Weights, build_answer
from index.build import build_index
from index.config import Settings
from index.embed import FakeEmbedder
from index.provenance import ProvenanceError
from index.records import Answer
from index.search import Searcher
from index.sheet import NOT_FOUND, build_sheet
from index.sheet_render import SOURCE_STYLE, render_docx, render_markdown
from index.store import load

OPEN = replace(Weights(), min_dense_zh=-1.0, min_dense_en=-1.0)
CITATION_10 = "《宁波支援合作工作简报》2022年第10期（2022年9月20日）一、（二）"
CITATION_3 = "《宁波支援合作工作简报》2023年第3期（2023年3月15日）一、（二）"
QUESTIONS = ("消薄飞地累计返利多少？", "余姚对口支援新疆阿克苏的资金有多少？")


@pytest.fixture
def answered(seed_folder: Path, tmp_path: Path) -> tuple[list[Answer], dict[str, str]]:
    later_issue(seed_folder, 2023, 3, 3, 15, changes={"累计返利 932.7 万元。": "累计返利 1100 万元。"})
    emb = FakeEmbedder()
    build_index(seed_folder, tmp_path / "idx", emb)
    searcher = Searcher(load(tmp_path / "idx"), emb)
    texts = {f: b.text for f, b in searcher.snapshot.briefings.items()}
    return [build_answer(q, searcher, weights=OPEN) for q in QUESTIONS], texts


def test_sheet_keeps_answers_quotes_history_and_the_unanswered(
    answered: tuple[list[Answer], dict[str, str]],
) -> None:
    answers, texts = answered
    sheet = build_sheet(answers, made="2026-11-30", texts=texts)
    first, second = sheet.entries
    assert first.answered and first.answer_line == "答：累计返利 1100 万元（截至 2023年3月15日）"
    assert first.quotes == answers[0].quotes and [p.figure.text for p in first.history] == ["932.7 万元"]
    assert not second.answered and second.quotes == () and second.nearest
    assert sheet.sources[0].startswith("《宁波支援合作工作简报》2023年第3期（2023年3月15日）")
    assert any(s.startswith("《宁波支援合作工作简报》2022年第10期（2022年9月20日）") for s in sheet.sources)


def test_a_quote_that_is_not_verbatim_never_reaches_a_sheet(
    answered: tuple[list[Answer], dict[str, str]],
) -> None:
    answers, texts = answered
    q = answers[0].quotes[0]
    forged = replace(answers[0], quotes=(replace(q, text=q.text.replace("1100", "1200")),))
    with pytest.raises(ProvenanceError):
        build_sheet([forged], made="2026-11-30", texts=texts)


def test_markdown_sheet(answered: tuple[list[Answer], dict[str, str]]) -> None:
    answers, texts = answered
    md = render_markdown(build_sheet(answers, made="2026-11-30", texts=texts))
    assert md.startswith("# 会议材料：简报原文摘录\n\n生成日期：2026年11月30日\n")
    assert "## 1. 消薄飞地累计返利多少？\n\n**答：累计返利 1100 万元（截至 2023年3月15日）**" in md
    assert f"—— {CITATION_3}" in md and f"—— {CITATION_10}" in md
    assert "### 此前各期\n\n- 2022年第10期（9月20日）：932.7 万元" in md
    assert f"## 2. {QUESTIONS[1]}\n\n**{NOT_FOUND}**\n\n最接近的章节：" in md
    assert "## 资料来源\n\n1. 《宁波支援合作工作简报》2023年第3期（2023年3月15日）" in md


def _paragraphs(data: bytes) -> list[tuple[str, str]]:
    document = docx.Document(io.BytesIO(data))
    return [(p.style.name, p.text) for p in document.paragraphs]


def test_docx_sheet_has_word_styles_quotes_and_citations(
    answered: tuple[list[Answer], dict[str, str]],
) -> None:
    answers, texts = answered
    paragraphs = _paragraphs(render_docx(build_sheet(answers, made="2026-11-30", texts=texts)))
    assert paragraphs[0] == ("Title", "会议材料：简报原文摘录")
    assert paragraphs[1] == ("Subtitle", "生成日期：2026年11月30日")
    assert ("Heading 1", "1. 消薄飞地累计返利多少？") in paragraphs
    assert ("Normal", "答：累计返利 1100 万元（截至 2023年3月15日）") in paragraphs
    quotes = [i for i, (style, _) in enumerate(paragraphs) if style == "Quote"]
    assert quotes and all(paragraphs[i + 1][0] == SOURCE_STYLE for i in quotes)
    lead = paragraphs[quotes[0]][1]
    assert lead == answers[0].quotes[0].text and "累计返利 1100 万元" in lead
    assert lead in texts[answers[0].quotes[0].source.file]
    assert paragraphs[quotes[0] + 1][1] == f"—— {CITATION_3}"
    assert ("Heading 2", "此前各期") in paragraphs
    history = paragraphs.index(("List Bullet", "2022年第10期（9月20日）：932.7 万元"))
    assert paragraphs[history + 1][0] == "Quote" and "累计返利 932.7 万元" in paragraphs[history + 1][1]
    assert paragraphs[history + 2] == (SOURCE_STYLE, f"—— {CITATION_10}")
    assert ("Heading 1", f"2. {QUESTIONS[1]}") in paragraphs and ("Normal", NOT_FOUND) in paragraphs
    sources = paragraphs.index(("Heading 1", "资料来源"))
    assert all(style == "List Number" for style, _ in paragraphs[sources + 1 :])
    assert len(paragraphs[sources + 1 :]) == 2


def _cli(args: list[str], tmp_path: Path, stdin: str = "", model: str = "fake") -> subprocess.CompletedProcess[str]:
    env = {"BRIEFBOT_MODEL": model, "BRIEFBOT_INDEX": str(tmp_path / "idx"), "HF_HUB_OFFLINE": "1",
           "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    if model != "fake":  # the real model: the converted one in the usual cache, not a fresh conversion
        env["BRIEFBOT_CACHE"] = str(Settings.from_env().cache)
    return subprocess.run([sys.executable, "-m", "bot.cli", "cite", *args], input=stdin, capture_output=True,
                          text=True, cwd=ROOT, env=env, timeout=600)


def test_cli_reads_questions_from_stdin_and_prints_markdown(seed_folder: Path, tmp_path: Path) -> None:
    proc = _cli(["-", "--briefings", str(seed_folder)], tmp_path, stdin="消薄飞地累计返利多少？\n\n余姚在哪？\n")
    assert proc.returncode == 0, proc.stderr
    assert "## 1. 消薄飞地累计返利多少？" in proc.stdout and "## 2. 余姚在哪？" in proc.stdout


def test_cli_refuses_a_bad_question_before_loading_anything(seed_folder: Path, tmp_path: Path) -> None:
    proc = _cli(["消薄飞地累计返利多少？", "🎉", "--briefings", str(seed_folder), "--docx",
                 str(tmp_path / "m.docx")], tmp_path)
    assert proc.returncode == 2 and "🎉" in proc.stderr
    assert not (tmp_path / "idx").exists() and not (tmp_path / "m.docx").exists()


def test_cli_says_when_the_folder_to_write_is_missing(seed_folder: Path, tmp_path: Path) -> None:
    proc = _cli(["消薄飞地累计返利多少？", "--briefings", str(seed_folder), "--md", str(tmp_path / "no" / "m.md")],
                tmp_path)
    assert proc.returncode == 1 and "does not exist" in proc.stderr


@pytest.mark.model
def test_cli_docx_with_the_real_model(tmp_path: Path) -> None:
    folder = tmp_path / "briefings"
    folder.mkdir()
    (folder / SEED_NAME).write_bytes(SEED.read_bytes())
    later_issue(folder, 2023, 3, 3, 15, changes={"累计返利 932.7 万元。": "累计返利 1100 万元。"})
    out = tmp_path / "会议材料.docx"
    proc = _cli([*QUESTIONS, "--briefings", str(folder), "--docx", str(out)], tmp_path, model="")
    assert proc.returncode == 0, proc.stderr
    assert "2 question(s), 1 not found" in proc.stderr
    paragraphs = _paragraphs(out.read_bytes())
    assert ("Normal", "答：累计返利 1100 万元（截至 2023年3月15日）") in paragraphs
    assert ("List Bullet", "2022年第10期（9月20日）：932.7 万元") in paragraphs
    assert (SOURCE_STYLE, f"—— {CITATION_10}") in paragraphs and ("Normal", NOT_FOUND) in paragraphs
