"""Later issues of the bundled briefing, written for a test: a new number and date, some figures changed."""

from __future__ import annotations

from pathlib import Path

from paths import SEED

SEED_ISSUE, SEED_DATE, SEED_PRINTED = "(2022 第 10 期)", "2022 年 9 月 20 日", "2022年9月20日印发"


def later_issue(
    folder: Path, year: int, number: int, month: int, day: int,
    changes: dict[str, str] | None = None, drop: tuple[str, ...] = (),
) -> Path:
    """Copy the seed briefing into `folder` as issue `number` of `year`, dated `year-month-day`.

    `changes` replaces text (old → new, each must occur once); `drop` removes sentences (each must occur).
    """
    text = SEED.read_text(encoding="utf-8")
    changes = {
        SEED_ISSUE: f"({year} 第 {number} 期)",
        SEED_DATE: f"{year} 年 {month} 月 {day} 日",
        SEED_PRINTED: f"{year}年{month}月{day}日印发",
        **(changes or {}),
    }
    for old, new in changes.items():
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    for sentence in drop:
        assert text.count(sentence) == 1, sentence
        text = text.replace(sentence, "")
    path = folder / f"宁波支援合作工作简报_{year}第{number}期.txt"
    path.write_text(text, encoding="utf-8")
    return path
