"""The rebuild use case: files → parse → segment → embed (only what changed) → store, atomically."""

from __future__ import annotations

import functools
import hashlib
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from index import store
from index.budget import Budget, read_capped
from index.cite import doc_label
from index.config import Limits
from index.embed import Embedder
from index.errors import BriefbotError, UnreadableFile
from index.folder import BriefingFile, scan_folder
from index.parse import PARSER_VERSION, parse_briefing
from index.readers import SUPPORTED, read_data
from index.records import Briefing, BuildReport, Sentence, Skipped
from index.service import Progress
from index.tokenize import tokens
from index.vector_plan import DEFAULT_TUNABLES, Tunables

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Previous:
    briefings: dict[str, Briefing]
    hashes: dict[str, str]
    vectors_by_key: dict[str, np.ndarray]
    replaced: dict[str, int]


def unit_text(b: Briefing, s: Sentence) -> str:
    """What is embedded for one sentence: the document and its sub-heading give it a subject."""
    heading = s.section_titles[-1] if s.section_titles and s.kind != "heading" else ""
    context = f"{doc_label(b)} {heading}".strip()
    return f"{context}\n{s.text}"


def context_tokens(b: Briefing, s: Sentence) -> tuple[str, ...]:
    heading = s.section_titles[-1] if s.section_titles and s.kind != "heading" else ""
    return _tokens_cached(f"{doc_label(b)} {heading}")


@functools.lru_cache(maxsize=4096)
def _tokens_cached(text: str) -> tuple[str, ...]:
    # Every sentence of a section shares this context: tokenise it once.
    return tuple(tokens(text))


def unit_key(model: str, text: str) -> str:
    """Where a unit's vector is kept: the same embedded text in the same model is embedded once."""
    return hashlib.sha1(f"{model}\x00{text}".encode()).hexdigest()


@dataclass
class _Read:
    """What reading the folder gave: briefings, the hash of the bytes each was parsed from, skips."""

    parsed: list[Briefing]
    hashes: dict[str, str]
    skipped: list[Skipped]
    replaced: dict[str, int]  # characters replaced to make a file's text valid Unicode
    reused: int = 0


def build_index(
    briefings_dir: Path,
    index_dir: Path,
    embedder: Embedder,
    full: bool = False,
    progress: Progress | None = None,
    limits: Limits | None = None,
    tunables: Tunables = DEFAULT_TUNABLES,
) -> BuildReport:
    """Build beside the live index and swap it in; unchanged files and sentences are reused."""
    started = time.perf_counter()
    with store.build_lock(index_dir):
        previous = None if full else _previous(index_dir, embedder.name)
        files, unlisted = scan_folder(briefings_dir)
        read = _read_all(files, previous, progress, limits or Limits())
        parsed, reused = read.parsed, read.reused
        skipped = sorted([*unlisted, *read.skipped], key=lambda s: s.file)
        units, texts = [], []
        for b in parsed:
            for s in b.sentences:
                text = unit_text(b, s)
                own = tuple(tokens(s.text))
                units.append(store.Unit(b.file, s.index, unit_key(embedder.name, text), own, context_tokens(b, s)))
                texts.append(text)
        vectors, embedded = _vectors(units, texts, embedder, previous, progress)
        manifest = _manifest(embedder, read, units, skipped)
        if progress:
            progress("write", 0, 1)
        store.write_generation(index_dir, manifest, parsed, units, vectors, tunables)
        if progress:
            progress("write", 1, 1)
    return BuildReport(
        files_indexed=len(parsed) - reused, files_reused=reused, skipped=tuple(skipped),
        sentences=sum(len(b.sentences) for b in parsed), vectors=len(units), embedded=embedded,
        seconds=round(time.perf_counter() - started, 2), replaced=dict(read.replaced),
    )


def _previous(index_dir: Path, model: str) -> _Previous | None:
    if not store.exists(index_dir):
        return None
    try:
        snap = store.load(index_dir, expect_model=model)
    except BriefbotError as exc:
        # A damaged or foreign index is rebuilt from scratch, never trusted: this build is the fix.
        log.warning("building from scratch: the index at %s cannot be reused (%s)", index_dir, exc)
        return None
    rows = snap.vector_rows()
    by_key = {u.key: rows[i] for i, u in enumerate(snap.units)}
    # Records parsed by another parser are parsed again; their sentences' vectors are still found by key.
    parsed = snap.briefings if snap.manifest.get("parser") == PARSER_VERSION else {}
    return _Previous(parsed, dict(snap.manifest["files"]), by_key, dict(snap.manifest["replaced"]))


def _read_all(
    files: list[BriefingFile], previous: _Previous | None, progress: Progress | None, limits: Limits
) -> _Read:
    read = _Read([], {}, [], {})
    for done, file in enumerate(files, 1):
        name = file.name
        suffix = Path(name).suffix.lower()
        if suffix not in SUPPORTED:
            read.skipped.append(Skipped(name, f"unsupported file type {suffix or '(none)'}"))
            continue
        try:
            data = read_capped(file.path, Budget(limits, name))  # read once: hashed and parsed alike
            digest = hashlib.sha256(data).hexdigest()
            if previous and previous.hashes.get(name) == digest and name in previous.briefings:
                read.parsed.append(previous.briefings[name])
                read.reused += 1
                if name in previous.replaced:
                    read.replaced[name] = previous.replaced[name]
            else:
                extracted = read_data(data, suffix, name, limits)
                read.parsed.append(parse_briefing(name, extracted.text))
                if extracted.replaced:
                    read.replaced[name] = extracted.replaced
                    log.warning("%s: %d characters that are not valid Unicode replaced by U+FFFD",
                                name, extracted.replaced)
        except UnreadableFile as exc:
            read.skipped.append(Skipped(name, exc.reason))
            continue
        read.hashes[name] = digest
        if progress:
            progress("read", done, len(files))
    return read


def _vectors(
    units: list[store.Unit], texts: list[str], embedder: Embedder, previous: _Previous | None,
    progress: Progress | None,
) -> tuple[np.ndarray, int]:
    known = previous.vectors_by_key if previous else {}
    todo = [i for i, u in enumerate(units) if u.key not in known]
    vectors = np.zeros((len(units), embedder.dimension), dtype="float32")
    for i, u in enumerate(units):
        if u.key in known:
            vectors[i] = known[u.key]
    if todo:
        def report(done: int, total: int) -> None:
            if progress:
                progress("embed", done, total)

        fresh = embedder.encode_documents([texts[i] for i in todo], progress=report)
        vectors[todo] = fresh
    return vectors, len(todo)


def _manifest(embedder: Embedder, read: _Read, units: list[store.Unit], skipped: list[Skipped]) -> dict[str, Any]:
    return {
        "schema_version": store.SCHEMA_VERSION,
        "parser": PARSER_VERSION,
        "model": embedder.name,
        "encoder": embedder.encoder,
        "dimension": embedder.dimension,
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "counts": {
            "files": len(read.parsed),
            "sentences": sum(len(b.sentences) for b in read.parsed),
            "vectors": len(units),
            "skipped": len(skipped),
        },
        "files": read.hashes,
        # What each stored record must hold: a record cut short is found before it is reused.
        "records": {b.file: {"characters": len(b.text), "sentences": len(b.sentences)} for b in read.parsed},
        "replaced": read.replaced,
        "skipped": {s.file: s.reason for s in skipped},
    }
