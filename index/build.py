"""The rebuild use case: files → parse → segment → embed (only what changed) → store, atomically."""

from __future__ import annotations

import functools
import hashlib
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from index import store
from index.cite import doc_label
from index.embed import Embedder
from index.errors import BriefbotError, UnreadableFile
from index.parse import parse_briefing
from index.readers import SUPPORTED, read_document
from index.records import Briefing, BuildReport, Sentence, Skipped
from index.service import Progress
from index.tokenize import tokens


@dataclass(frozen=True)
class _Previous:
    briefings: dict[str, Briefing]
    hashes: dict[str, str]
    vectors_by_key: dict[str, np.ndarray]


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


def _key(model: str, text: str) -> str:
    return hashlib.sha1(f"{model}\x00{text}".encode()).hexdigest()


def briefing_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise BriefbotError(f"briefings folder {folder} does not exist: set BRIEFBOT_BRIEFINGS or --briefings")
    found = [
        p for p in folder.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    ]
    return sorted(found, key=lambda p: p.relative_to(folder).as_posix())


def build_index(
    briefings_dir: Path,
    index_dir: Path,
    embedder: Embedder,
    full: bool = False,
    progress: Progress | None = None,
) -> BuildReport:
    """Build beside the live index and swap it in; unchanged files and sentences are reused."""
    started = time.perf_counter()
    with store.build_lock(index_dir):
        previous = None if full else _previous(index_dir, embedder.name)
        files = briefing_files(briefings_dir)
        parsed, hashes, skipped, reused = _read_all(files, briefings_dir, previous, progress)
        units, texts = [], []
        for b in parsed:
            for s in b.sentences:
                text = unit_text(b, s)
                own = tuple(tokens(s.text))
                units.append(store.Unit(b.file, s.index, _key(embedder.name, text), own, context_tokens(b, s)))
                texts.append(text)
        vectors, embedded = _vectors(units, texts, embedder, previous, progress)
        manifest = _manifest(embedder, parsed, hashes, units, skipped)
        if progress:
            progress("write", 0, 1)
        store.write_generation(index_dir, manifest, parsed, units, vectors)
        if progress:
            progress("write", 1, 1)
    return BuildReport(
        files_indexed=len(parsed) - reused, files_reused=reused, skipped=tuple(skipped),
        sentences=sum(len(b.sentences) for b in parsed), vectors=len(units), embedded=embedded,
        seconds=round(time.perf_counter() - started, 2),
    )


def _previous(index_dir: Path, model: str) -> _Previous | None:
    if not store.exists(index_dir):
        return None
    try:
        snap = store.load(index_dir, expect_model=model)
    except BriefbotError:
        return None  # a damaged or foreign index is rebuilt from scratch, never trusted
    rows = snap.vector_rows()
    by_key = {u.key: rows[i] for i, u in enumerate(snap.units)}
    return _Previous(snap.briefings, dict(snap.manifest.get("files", {})), by_key)


def _read_all(
    files: list[Path], root: Path, previous: _Previous | None, progress: Progress | None
) -> tuple[list[Briefing], dict[str, str], list[Skipped], int]:
    parsed: list[Briefing] = []
    hashes: dict[str, str] = {}
    skipped: list[Skipped] = []
    reused = 0
    for done, path in enumerate(files, 1):
        name = path.relative_to(root).as_posix()
        if path.suffix.lower() not in SUPPORTED:
            skipped.append(Skipped(name, f"unsupported file type {path.suffix or '(none)'}"))
            continue
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError as exc:
            skipped.append(Skipped(name, f"cannot be read: {exc.strerror}"))
            continue
        if previous and previous.hashes.get(name) == digest and name in previous.briefings:
            parsed.append(previous.briefings[name])
            reused += 1
        else:
            try:
                parsed.append(parse_briefing(name, read_document(path, name)))
            except UnreadableFile as exc:
                skipped.append(Skipped(name, exc.reason))
                continue
        hashes[name] = digest
        if progress:
            progress("read", done, len(files))
    return parsed, hashes, skipped, reused


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


def _manifest(
    embedder: Embedder, parsed: list[Briefing], hashes: dict[str, str], units: list[store.Unit],
    skipped: list[Skipped],
) -> dict[str, Any]:
    return {
        "schema_version": store.SCHEMA_VERSION,
        "model": embedder.name,
        "encoder": embedder.encoder,
        "dimension": embedder.dimension,
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "counts": {
            "files": len(parsed),
            "sentences": sum(len(b.sentences) for b in parsed),
            "vectors": len(units),
            "skipped": len(skipped),
        },
        "files": hashes,
        "skipped": {s.file: s.reason for s in skipped},
    }
