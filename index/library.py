"""The live index behind the CLI and the bot: answers, catalogue, and rebuilds that never stop answering."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import replace

from index import store
from index.answer import Weights, build_answer
from index.cite import source_of
from index.config import Settings
from index.embed import Embedder, load_embedder
from index.errors import BriefbotError
from index.records import Answer, BriefingInfo, BuildReport, Context, IndexInfo, Quote
from index.search import Mode, Searcher
from index.service import Progress
from index.tokenize import keep_cache_in
from index.validate import validate_question

# validate_question is re-exported for index/evaluate.py, which imports it from here.
__all__ = ["Library", "index_info", "validate_question"]

log = logging.getLogger(__name__)


class Library:
    """Implements index.service.QAService over the index folder named by the settings."""

    def __init__(self, settings: Settings, embedder: Embedder, searcher: Searcher) -> None:
        self.settings = settings
        self.embedder = embedder
        self._searcher = searcher  # replaced whole on rebuild; readers take one reference
        self.weights = Weights(scorer=settings.scorer)
        self._rebuild_lock = threading.Lock()

    @classmethod
    def open(
        cls,
        settings: Settings,
        build_if_missing: bool = True,
        embedder: Embedder | None = None,
        progress: Progress | None = None,
    ) -> Library:
        keep_cache_in(settings.word_cache)
        _limit_blas(settings.threads or 1)
        embedder = embedder or load_embedder(settings, built_with=store.built_with(settings.index))
        if build_if_missing and not store.exists(settings.index):
            from index.build import build_index  # here: readers for .docx and .pdf are not needed to answer

            log.info("no index at %s: building it from %s", settings.index, settings.briefings)
            build_index(settings.briefings, settings.index, embedder, progress=progress, limits=settings.limits)
        snapshot = store.load(settings.index, expect_model=embedder.name)
        return cls(settings, embedder, Searcher(snapshot, embedder))

    @property
    def searcher(self) -> Searcher:
        return self._searcher

    def ask(self, question: str, mode: Mode = "hybrid") -> Answer:
        """Answer a question already checked by index.validate.validate_question at the caller's edge."""
        started = time.perf_counter()
        answer = build_answer(question, self._searcher, mode=mode, weights=self.weights)
        elapsed = (time.perf_counter() - started) * 1000
        return replace(answer, question=question, timings_ms={"total": round(elapsed, 2)})

    def info(self) -> IndexInfo:
        return index_info(self._searcher.snapshot)

    def context(self, quote: Quote) -> Context:
        """The paragraph (stored line) around a quote."""
        snap = self._searcher.snapshot
        b = snap.briefings.get(quote.source.file)
        if b is None or b.text[quote.start : quote.end] != quote.text:
            raise BriefbotError("这条引文所在的简报已不在索引中，请重新提问。")
        start = b.text.rfind("\n", 0, quote.start) + 1
        end = b.text.find("\n", quote.end)
        end = len(b.text) if end < 0 else end
        sentence = next((s for s in b.sentences if s.start == quote.start), None)
        src = source_of(b, sentence) if sentence else quote.source
        return Context(text=b.text[start:end], quote_start=quote.start - start, quote_end=quote.end - start,
                       source=src)

    def rebuild(self, progress: Progress | None = None, full: bool = False) -> BuildReport:
        """Build beside the live index, then swap; questions are answered from the old one meanwhile."""
        if not self._rebuild_lock.acquire(blocking=False):
            raise BriefbotError("索引正在重建中，请稍后再试。")
        from index.build import build_index

        try:
            report = build_index(self.settings.briefings, self.settings.index, self.embedder, full=full,
                                 progress=progress, limits=self.settings.limits)
            snapshot = store.load(self.settings.index, expect_model=self.embedder.name)
            self._searcher = Searcher(snapshot, self.embedder)
            log.info("index swapped in: %d files, %d sentences", report.files_indexed + report.files_reused,
                     report.sentences)
            return report
        finally:
            self._rebuild_lock.release()



def _limit_blas(threads: int) -> None:
    """BLAS (numpy's and faiss's) on `threads` threads in a process that answers.

    With OpenBLAS's default of one thread per core, each exact scan's product wakes a helper thread that then spins
    for the other core, which the encoder and other processes need. Over bench/scale.py's million-sentence folder,
    `BRIEFBOT_INDEX=… bench/scale.py --answer …` (120 seed questions, load average 2.0–3.2, alternating) gave a
    median answer of 35.7, 35.8, 36.8, 38.8, 37.9 ms on one thread and 65.9, 35.3, 68.6, 68.7, 68.2 ms with
    BRIEFBOT_THREADS=2 (docs/quality.md "Scale"). A matrix–vector product computes each row alone either way, so
    the scores are the same (the seed questions' answers were).
    """
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=threads, user_api="blas")


def index_info(snap: store.Snapshot) -> IndexInfo:
    """What a snapshot holds, newest briefing first."""
    briefings = tuple(
        BriefingInfo(file=b.file, title=b.title, issue=b.issue_label, date=b.date, sentences=len(b.sentences))
        for b in sorted(snap.briefings.values(), key=lambda b: (b.date or "", b.file), reverse=True)
    )
    counts = snap.manifest.get("counts", {})
    return IndexInfo(
        path=str(snap.path), model=snap.model, dimension=int(snap.manifest["dimension"]),
        built_at=str(snap.manifest.get("built_at", "")), files=int(counts.get("files", len(briefings))),
        sentences=int(counts.get("sentences", 0)), vectors=len(snap.units), briefings=briefings,
        encoder=str(snap.manifest.get("encoder", "torch")),
    )
