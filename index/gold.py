"""Where a question's gold answer first shows in a ranked list of quotes (the hit rule of `briefbot eval`)."""

from __future__ import annotations

from collections.abc import Sequence


def found_at(ranked: Sequence[tuple[str, str]], file: str | None,
             parts: Sequence[Sequence[str]]) -> int | None:
    """The smallest k such that the first k (file, text) quotes together hold every part; None when they never do.

    Each part is a list of alternative answer strings, any one of which counts. `file` None means any file (pooled
    external sets); otherwise only quotes from that file count. With one part this is the rank of the first quote
    holding any alternative; with several (RGB zh_int's sub-answers) the quotes may share the parts between them.
    """
    missing = [tuple(p) for p in parts if p]
    if not missing:
        return None
    for k, (f, text) in enumerate(ranked, 1):
        if file is not None and f != file:
            continue
        missing = [p for p in missing if not any(a in text for a in p)]
        if not missing:
            return k
    return None
