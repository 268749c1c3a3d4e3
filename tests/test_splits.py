"""The dev/test halves: fixed by the question id alone, about half each, disjoint."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.splits import SPLITS, in_split, report_groups, split_of

ROOT = Path(__file__).resolve().parents[1]


def test_the_half_of_an_id_never_changes() -> None:
    # Pinned: a change of hash or rule would move questions between halves and void every reported test figure.
    assert [split_of(i) for i in ("seed-001", "rep-001", "rgb-refine-000", "rgb-int-000")] == [
        "dev", "test", "dev", "test"]


def test_about_half_of_many_ids_are_test() -> None:
    ids = [f"q-{i}" for i in range(10_000)]
    assert 0.48 <= sum(split_of(i) == "test" for i in ids) / len(ids) <= 0.52


@pytest.mark.parametrize("name", ["questions_seed.jsonl", "questions_reports.jsonl"])
def test_each_own_set_splits_near_half(name: str) -> None:
    ids = [json.loads(line)["id"] for line in (ROOT / "bench" / name).read_text(encoding="utf-8").splitlines()]
    test = in_split(ids, "test", str)
    assert 0.35 <= len(test) / len(ids) <= 0.65


def test_halves_are_disjoint_and_cover_the_set() -> None:
    ids = [f"x-{i:03d}" for i in range(300)]
    dev, test = in_split(ids, "dev", str), in_split(ids, "test", str)
    assert not set(dev) & set(test)
    assert sorted(dev + test) == ids
    assert in_split(ids, "all", str) == ids


def test_an_unknown_split_is_refused() -> None:
    with pytest.raises(ValueError, match="dev, test or all"):
        in_split(["a"], "train", str)


def test_reports_show_test_and_dev_side_by_side_then_each_origin() -> None:
    rows: list[dict[str, object]] = [
        {"split": split_of(i), "origin": "blind" if n % 2 else "own"} for n, i in enumerate(["a", "b", "c", "d"])]
    groups = dict(report_groups(rows, "all"))
    assert list(groups) == [*SPLITS, "all", "all blind", "all own"]
    assert len(groups["test"]) + len(groups["dev"]) == len(groups["all"]) == 4
    assert len(groups["all blind"]) == 2
    only = [r for r in rows if r["split"] == "test"]
    assert next(g for g, _ in report_groups(only, "test")) == "test"


def test_one_origin_shows_no_origin_rows() -> None:
    rows: list[dict[str, object]] = [{"split": "dev", "origin": "own"}]
    assert [g for g, _ in report_groups(rows, "dev")] == ["dev"]


def test_an_external_set_is_one_origin_however_many_questions() -> None:
    # The first RGB run printed one row per question: each origin names its source line ("…#12").
    rows: list[dict[str, object]] = [
        {"split": split_of(f"rgb-refine-{i:03d}"), "origin": f"rgb-zh/zh_refine.json#{i}"} for i in range(6)]
    assert [g for g, _ in report_groups(rows, "all")] == [*SPLITS, "all"]


def test_a_set_mixing_languages_shows_a_row_per_language() -> None:
    # English questions were the weakest class and no row showed them apart.
    rows: list[dict[str, object]] = [
        {"split": "test", "origin": "own", "lang": lang} for lang in ("en", "zh", "zh")]
    groups = dict(report_groups(rows, "test"))
    assert list(groups) == ["test", "test en", "test zh"]
    assert len(groups["test en"]) == 1 and len(groups["test zh"]) == 2
