"""The columnar forms of a loaded index hold exactly what the records held; search reads them as before."""

from __future__ import annotations

import math
import random
import shutil
from collections import Counter
from pathlib import Path

import numpy as np
from paths import SEED, SEED_NAME

from index import store
from index.build import build_index
from index.columns import SentenceTable, UnitsBuilder, sentence_texts
from index.embed import FakeEmbedder
from index.evidence import squash
from index.lexical import Lexical
from index.parse import parse_briefing
from index.records import Unit
from index.search import Searcher
from index.stored import briefing_from_json, briefing_to_json
from index.vector_plan import Tunables

WORDS = ["消薄", "飞地", "返利", "松阳", "余姚", "2025", "年", "园区", "企业", "\x00x"]


def _units(n: int, seed: int = 3) -> list[Unit]:
    rng = random.Random(seed)
    files = [f"报告{i}.txt" for i in range(4)]
    return [
        Unit(rng.choice(files), rng.randint(0, 50), f"{rng.getrandbits(64):040x}",
             tuple(rng.choice(WORDS) for _ in range(rng.randint(0, 6))),
             tuple(rng.choice(WORDS) for _ in range(rng.randint(0, 3))))
        for _ in range(n)
    ]


def test_a_unit_table_gives_back_every_unit() -> None:
    units = _units(300)
    table = UnitsBuilder()
    for u in units:
        table.add(u)
    loaded = table.table()
    assert len(loaded) == len(units) and list(loaded) == units
    assert loaded[-1] == units[-1] and loaded[10:13] == tuple(units[10:13])
    assert [loaded.file(i) for i in range(len(units))] == [u.file for u in units]


def test_stored_sentences_are_the_parsed_ones() -> None:
    parsed = parse_briefing(SEED_NAME, SEED.read_text(encoding="utf-8"))
    loaded = briefing_from_json(briefing_to_json(parsed))
    assert isinstance(loaded.sentences, SentenceTable)
    assert loaded == parsed and tuple(loaded.sentences) == parsed.sentences
    assert loaded.sentences[-1] == parsed.sentences[-1] and loaded.sentences[2:5] == parsed.sentences[2:5]
    assert briefing_to_json(loaded) == briefing_to_json(parsed)  # rewritten unchanged by an incremental build
    assert sentence_texts(loaded.sentences) == sentence_texts(parsed.sentences) == [s.text for s in parsed.sentences]
    for section in {s.section for s in parsed.sentences}:
        assert loaded.sentences.texts_in(section) == [s.text for s in parsed.sentences if s.section == section]


def test_bm25_from_token_ids_scores_as_from_the_words() -> None:
    import bm25s

    units = _units(200, seed=9)
    table = UnitsBuilder()
    for u in units:
        table.add(u)
    loaded = table.table()
    lexical = Lexical(loaded.token_rows(), loaded.vocab)
    reference = bm25s.BM25()
    reference.index([list(u.tokens) or ["\x00"] for u in units], show_progress=False)
    for query in (["消薄", "返利"], ["余姚", "余姚", "2025"], ["园区"], ["没有"]):
        expected = np.asarray(reference.get_scores(query), dtype="float32")
        assert np.array_equal(lexical.scores(query), expected), query


def test_the_searcher_weighs_and_finds_rows_as_from_the_records(seed_folder: Path, tmp_path: Path) -> None:
    build_index(seed_folder, tmp_path / "idx", FakeEmbedder())
    snap = store.load(tmp_path / "idx")
    searcher = Searcher(snap, FakeEmbedder())
    units = list(snap.units)
    df = Counter(t for u in units for t in set(u.tokens_own))
    for token in [*df, "没有的词"]:
        expected = math.log(1 + len(units) / df[token]) if token in df else math.log(1 + len(units))
        assert searcher.idf(token) == expected
    assert {key: searcher.row_of[key] for key in searcher.row_of} == {(u.file, u.sentence): i
                                                                      for i, u in enumerate(units)}
    b = snap.briefings[SEED_NAME]
    for s in b.sentences:
        expected = squash("".join(x.text for x in b.sentences if x.section == s.section))
        assert searcher.section_text(SEED_NAME, s.section) == expected


def test_a_mapped_index_answers_after_its_generation_is_pruned(seed_folder: Path, tmp_path: Path) -> None:
    emb = FakeEmbedder()
    build_index(seed_folder, tmp_path / "idx", emb, tunables=Tunables(approximate_from=10, train_per_list=1))
    snap = store.load(tmp_path / "idx")
    assert snap.plan.kind == "ivf"
    query = emb.encode_queries(["消薄飞地累计返利多少"])
    before = store.search_vectors(snap.vectors, query, 5)
    shutil.rmtree(snap.path)  # what a later build's pruning does to a generation a server still holds
    after = store.search_vectors(snap.vectors, query, 5)
    assert np.array_equal(before[1], after[1]) and np.array_equal(before[0], after[0])


def test_an_exact_scan_of_many_rows_scores_them_a_block_at_a_time_alike(tmp_path: Path) -> None:
    vectors = np.random.default_rng(4).normal(size=(3 * store.SCORE_BLOCK + 5, 16)).astype("float32")
    snap = store.Snapshot(tmp_path, {"dimension": 16}, {}, UnitsBuilder().table(), store.flat_index(vectors))
    ids = np.random.default_rng(5).permutation(len(vectors))[: 2 * store.SCORE_BLOCK + 7]
    query = vectors[0] / np.linalg.norm(vectors[0])
    assert np.allclose(snap.scores(ids, query), vectors[ids] @ query, atol=1e-5)
    assert snap.scores(ids[:0], query).shape == (0,)
