"""The shipped data files read alike: comments and blank lines skipped, a malformed row named by file and line."""

from __future__ import annotations

import pytest

from index.datafiles import tsv_rows


@pytest.mark.parametrize("name", ["glossary.tsv", "measures.tsv"])
def test_every_row_of_a_shipped_file_has_its_three_fields(name: str) -> None:
    rows = tsv_rows(name, 3)
    assert rows and all(len(r) == 3 and all(f.strip() for f in r[:2]) for r in rows)
    assert not any(r[0].startswith("#") for r in rows)


def test_a_row_with_the_wrong_number_of_fields_is_named_by_file_and_line() -> None:
    with pytest.raises(ValueError, match=r"^glossary\.tsv line \d+: 3 tab-separated fields, not 4"):
        tsv_rows("glossary.tsv", 4)
