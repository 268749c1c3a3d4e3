"""Check the evaluation question sets (gold data) against their source documents.

Usage: python3 bench/check_questions.py [--shared ../shared] [--briefings briefings] [FILE.jsonl ...]

Every line is one question. The checks: the schema; ids unique across all sets given; every gold substring
occurs exactly once in its document (raw text and the text as indexed, Markdown markers removed); the
figure's text stands on the same line as a gold substring and its value and unit agree with that text.
Report questions are checked against the shared corpus; without it they are checked for schema only.
`origin` may mark a question "blind" (written from the documents before the answerer ran on it; same rules) or
"rgb-zh/…" (an external set from bench/make_rgb.py: file null means any file of its pool, answer strings of any
length, each an alternative, `parts` for questions with several sub-answers; checked for schema only).
Stdlib only, so it runs before the project's dependencies are installed.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
DEFAULT_SETS = (BENCH / "questions_seed.jsonl", BENCH / "questions_reports.jsonl")
DEFAULT_BRIEFINGS = ROOT / "briefings"
DEFAULT_SHARED = ROOT.parent / "shared"

KINDS = ("money", "count", "rate", "place", "person", "date", "way", "reason", "other")
LANGS = ("zh", "en")
REQUIRED = ("id", "question", "lang", "kind", "answerable", "file", "gold", "figure")
OPTIONAL = ("note", "origin", "parts")
GOLD_MIN, GOLD_MAX = 6, 30
# `origin`: "blind" marks questions written from the documents before the answerer ran on them; "rgb-zh/…" marks
# an external set laid out by bench/make_rgb.py (file null: the answer may come from any file of the pool).
BLIND = "blind"
EXTERNAL_PREFIX = "rgb-zh/"

# How a `file` of the report sets maps into the shared corpus: prefix -> folder under the shared root.
REPORT_FOLDERS = {
    "provincial-2025/": "corpus/gov-work-reports-provincial-2025/txt",
    "provincial-2026/": "corpus/gov-work-reports-provincial-2026/txt",
    "national/": "corpus/gov-work-reports-national/txt",
}

MULTIPLIERS = {"万亿": 1e12, "亿": 1e8, "万": 1e4, "千": 1e3}
# Base units that begin with a multiplier's character: "千瓦" is no thousand 瓦.
UNITS_LIKE_MULTIPLIERS = ("千瓦", "千克", "千米")
_FIGURE = re.compile(r"(\d+(?:\.\d+)?)\s*(?:余|多)?\s*(万亿|亿|万|千)?")
# The older State Council reports write figures in Chinese numerals ("七百六十六亿四千万元"), the 1954 one in
# traditional characters ("三億二千三百八十萬…").
_CN_NUMERAL = re.compile(r"[零〇一二两三四五六七八九十百千万萬亿億]{1,25}")  # no report writes a longer one
_CJK = re.compile(r"[\u4e00-\u9fff]")
_HEADING_MARK = re.compile(r"^#+\s*", re.MULTILINE)


@dataclass
class SetReport:
    """What checking one question file found."""

    path: Path
    records: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    skipped: int = 0  # answerable questions whose document was not available


def indexed_text(text: str) -> str:
    """The text as the index sees it: Markdown bold markers and heading hashes removed."""
    return _HEADING_MARK.sub("", text.replace("**", ""))


def parse_figure_text(text: str) -> float | None:
    """A figure's value as written: "932.7 万元" -> 9327000.0, "20余万元" -> 200000.0, "95%以上" -> 95.0,
    "１０．６％" -> 10.6, "七百六十六亿四千万元" -> 76640000000.0, "百分之五十" -> 50.0."""
    text = unicodedata.normalize("NFKC", text)
    m = _FIGURE.search(text)
    if m is not None:
        return float(m.group(1)) * MULTIPLIERS.get(m.group(2) or "", 1.0)
    numeral = _CN_NUMERAL.search(text.replace("百分之", ""))
    if numeral is None:
        return None
    import cn2an  # the project's Chinese numeral reader (index/figures.py uses it too); only old reports need it

    plain = numeral.group().translate(str.maketrans("萬億〇", "万亿零"))
    try:
        return float(cn2an.cn2an(plain, "normal"))
    except ValueError:
        return None


def load_questions(path: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """Read a JSONL file; returns the records and the lines that could not be read."""
    records: list[dict[str, Any]] = []
    errors: list[str] = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            errors.append(f"{path.name}:{n}: empty line")
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(f"{path.name}:{n}: not JSON ({exc})")
            continue
        if not isinstance(rec, dict):
            errors.append(f"{path.name}:{n}: not a JSON object")
            continue
        records.append(rec)
    return records, errors


def check_schema(rec: dict[str, Any]) -> list[str]:
    """Field presence, types and the rules that tie them together."""
    errs: list[str] = []
    missing = [k for k in REQUIRED if k not in rec]
    unknown = [k for k in rec if k not in REQUIRED + OPTIONAL]
    if missing:
        errs.append(f"missing fields {missing}")
    if unknown:
        errs.append(f"unknown fields {unknown}")
    if missing:
        return errs
    if not isinstance(rec["id"], str) or not rec["id"]:
        errs.append("id must be a non-empty string")
    question = rec["question"]
    if not isinstance(question, str) or not question.strip():
        errs.append("question must be a non-empty string")
        question = ""
    if rec["lang"] not in LANGS:
        errs.append(f"lang {rec['lang']!r} not in {LANGS}")
    elif question:
        has_cjk = bool(_CJK.search(question))
        if rec["lang"] == "zh" and not has_cjk:
            errs.append("lang zh but the question has no Chinese characters")
        if rec["lang"] == "en" and has_cjk:
            errs.append("lang en but the question has Chinese characters")
    if rec["kind"] not in KINDS:
        errs.append(f"kind {rec['kind']!r} not in {KINDS}")
    if "note" in rec and not isinstance(rec["note"], str):
        errs.append("note must be a string")
    errs += _check_origin(rec)
    if not isinstance(rec["answerable"], bool):
        errs.append("answerable must be true or false")
        return errs
    if rec["answerable"]:
        errs += _check_answerable_fields(rec)
    else:
        if rec["file"] is not None or rec["gold"] != [] or rec["figure"] is not None:
            errs.append("an unanswerable question needs file null, gold [] and figure null")
    return errs


def _check_origin(rec: dict[str, Any]) -> list[str]:
    """Blind questions follow every rule of their set; external ones may name no file and short answers."""
    origin = rec.get("origin")
    if origin is not None and (not isinstance(origin, str) or not (
            origin == BLIND or origin.startswith(EXTERNAL_PREFIX))):
        return [f"origin {origin!r} is neither {BLIND!r} nor {EXTERNAL_PREFIX}…"]
    parts = rec.get("parts")
    if parts is None:
        return []
    if not _is_external(rec):
        return ["parts is only for external sets"]
    if not isinstance(parts, list) or not parts or not all(
            isinstance(p, list) and p and all(isinstance(a, str) and a for a in p) for p in parts):
        return ["parts must be a non-empty list of non-empty lists of strings"]
    if rec.get("gold") != list(dict.fromkeys(a for p in parts for a in p)):
        return ["gold must be the union of parts, in order"]
    return []


def _is_external(rec: dict[str, Any]) -> bool:
    return isinstance(rec.get("origin"), str) and rec["origin"].startswith(EXTERNAL_PREFIX)


def _check_answerable_fields(rec: dict[str, Any]) -> list[str]:
    if _is_external(rec):
        return _check_external_fields(rec)
    errs: list[str] = []
    if not isinstance(rec["file"], str) or not rec["file"]:
        errs.append("file must be a non-empty string")
    gold = rec["gold"]
    if not isinstance(gold, list) or not gold or not all(isinstance(g, str) for g in gold):
        errs.append("gold must be a non-empty list of strings")
    else:
        for g in gold:
            if not GOLD_MIN <= len(g) <= GOLD_MAX:
                errs.append(f"gold {g!r} is {len(g)} characters, not {GOLD_MIN}-{GOLD_MAX}")
            if "\n" in g or "\r" in g:
                errs.append(f"gold {g!r} spans a line break")
            if "**" in g or g.lstrip().startswith("#"):
                errs.append(f"gold {g!r} holds Markdown markers")
            if g != g.strip():
                errs.append(f"gold {g!r} has leading or trailing spaces")
        if len(set(gold)) != len(gold):
            errs.append("gold lists the same substring twice")
    fig = rec["figure"]
    if fig is not None:
        errs += _check_figure_fields(fig)
    return errs


def _check_external_fields(rec: dict[str, Any]) -> list[str]:
    """A pooled external question: any file (null) and answer strings of any length, each an alternative."""
    errs: list[str] = []
    if rec["file"] is not None:
        errs.append("an external question names no file (null: any file of the pool)")
    gold = rec["gold"]
    if not isinstance(gold, list) or not gold or not all(isinstance(g, str) and g.strip() for g in gold):
        errs.append("gold must be a non-empty list of non-empty strings")
    if rec["figure"] is not None:
        errs.append("an external question has figure null")
    return errs


def _check_figure_fields(fig: Any) -> list[str]:
    if not isinstance(fig, dict) or set(fig) != {"text", "value", "unit"}:
        return ["figure must be null or {text, value, unit}"]
    errs: list[str] = []
    text, value, unit = fig["text"], fig["value"], fig["unit"]
    if not isinstance(text, str) or not text:
        errs.append("figure.text must be a non-empty string")
        return errs
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        errs.append("figure.value must be a number")
    else:
        parsed = parse_figure_text(text)
        if parsed is None or not math.isclose(parsed, float(value), rel_tol=1e-9):
            errs.append(f"figure.value {value} disagrees with figure.text {text!r} (reads {parsed})")
    if not isinstance(unit, str) or not unit:
        errs.append("figure.unit must be a non-empty string")
    elif unit not in text:
        errs.append(f"figure.unit {unit!r} is not written in figure.text {text!r}")
    elif any(m in unit for m in MULTIPLIERS) and not unit.startswith(UNITS_LIKE_MULTIPLIERS):
        errs.append(f"figure.unit {unit!r} keeps a multiplier")
    return errs


def resolve_source(file: str, briefings: Path, shared: Path | None) -> tuple[Path | None, bool]:
    """Where a question's `file` lives; the flag says whether it is a report (shared corpus) file."""
    for prefix, folder in REPORT_FOLDERS.items():
        if file.startswith(prefix):
            if shared is None:
                return None, True
            return shared / folder / file[len(prefix) :], True
    return briefings / file, False


def check_gold(rec: dict[str, Any], text: str) -> list[str]:
    """Each gold substring occurs exactly once (raw and as indexed); the figure sits on a gold line."""
    errs: list[str] = []
    shown = indexed_text(text)
    gold_lines: list[str] = []
    for g in rec["gold"]:
        raw_n, idx_n = text.count(g), shown.count(g)
        if raw_n != 1 or idx_n != 1:
            errs.append(f"gold {g!r} occurs {raw_n} times in the file ({idx_n} as indexed), not once")
        gold_lines += [line for line in text.splitlines() if g in line]
    fig = rec.get("figure")
    fig_text = fig.get("text") if isinstance(fig, dict) else None
    if isinstance(fig_text, str) and gold_lines and not any(fig_text in line for line in gold_lines):
        errs.append(f"figure.text {fig_text!r} is not on the line of any gold substring")
    return errs


def check_set(path: Path, briefings: Path, shared: Path | None) -> SetReport:
    """Every check on one question file except id uniqueness across files (see check_ids)."""
    report = SetReport(path)
    report.records, report.errors = load_questions(path)
    cache: dict[Path, str | None] = {}
    for rec in report.records:
        where = f"{path.name}:{rec.get('id', '?')}"
        schema_errs = check_schema(rec)
        report.errors += [f"{where}: {e}" for e in schema_errs]
        if schema_errs or not rec["answerable"] or _is_external(rec):
            continue
        source, is_report = resolve_source(rec["file"], briefings, shared)
        if source is None:
            report.skipped += 1
            continue
        if source not in cache:
            cache[source] = source.read_text(encoding="utf-8") if source.is_file() else None
        text = cache[source]
        if text is None:
            if is_report and (shared is None or not shared.is_dir()):
                report.skipped += 1
            else:
                report.errors.append(f"{where}: file {rec['file']!r} not found at {source}")
            continue
        report.errors += [f"{where}: {e}" for e in check_gold(rec, text)]
    if report.skipped:
        report.notices.append(
            f"{path.name}: {report.skipped} answerable questions not checked against their documents "
            "(shared corpus absent)"
        )
    return report


def check_ids(reports: list[SetReport]) -> list[str]:
    """Ids must be unique across all the sets checked together; a repeated question is an error too."""
    errs: list[str] = []
    ids = Counter(r.get("id") for rep in reports for r in rep.records)
    errs += [f"id {i!r} used {n} times" for i, n in ids.items() if n > 1]
    # An external set may ask the same question twice under two ids (RGB does); that is its data, not an error here.
    questions = Counter(r.get("question") for rep in reports for r in rep.records if not _is_external(r))
    errs += [f"question {q!r} asked {n} times" for q, n in questions.items() if n > 1]
    return errs


def summarize(records: list[dict[str, Any]]) -> dict[str, Counter[str]]:
    """Counts per kind, language, answerability, paraphrase, origin and gold folder."""
    out: dict[str, Counter[str]] = {
        "origin": Counter(),
        "kind": Counter(),
        "lang": Counter(),
        "answerable": Counter(),
        "paraphrase": Counter(),
        "folder": Counter(),
    }
    for r in records:
        out["kind"][str(r.get("kind"))] += 1
        out["lang"][str(r.get("lang"))] += 1
        origin = str(r.get("origin", "own"))
        out["origin"][origin.split("#")[0]] += 1
        out["answerable"][str(r.get("answerable")).lower()] += 1
        if str(r.get("note", "")).startswith("paraphrase"):
            out["paraphrase"]["paraphrase"] += 1
        file = r.get("file")
        if isinstance(file, str):
            out["folder"][file.split("/", 1)[0] if "/" in file else "briefings"] += 1
    return out


def format_summary(report: SetReport) -> str:
    counts = summarize(report.records)
    lines = [f"{report.path.name}: {len(report.records)} questions"]
    for name in ("origin", "kind", "lang", "answerable", "paraphrase", "folder"):
        if counts[name]:
            body = ", ".join(f"{k} {v}" for k, v in sorted(counts[name].items()))
            lines.append(f"  {name:<10} {body}")
    docs = {r["file"] for r in report.records if isinstance(r.get("file"), str)}
    lines.append(f"  documents  {len(docs)}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="*", type=Path, help="question files (default: both sets in bench/)")
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="the shared folder (corpus/)")
    parser.add_argument("--briefings", type=Path, default=DEFAULT_BRIEFINGS, help="the seed's folder")
    args = parser.parse_args(argv)
    shared: Path | None = args.shared if args.shared.is_dir() else None
    if shared is None:
        print(f"notice: shared folder {args.shared} absent; report golds not checked against documents")
    reports = [check_set(p, args.briefings, shared) for p in (args.sets or list(DEFAULT_SETS))]
    errors = check_ids(reports)
    for rep in reports:
        print(format_summary(rep))
        for n in rep.notices:
            print(f"notice: {n}")
        errors += rep.errors
    for e in errors:
        print(f"error: {e}")
    print(f"{'FAILED' if errors else 'OK'}: {len(errors)} errors")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
