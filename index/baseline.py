"""The typical RAG default, for comparison only: 500-character chunks with overlap, dense, whole chunk returned."""

from __future__ import annotations

import contextlib
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.embed import Embedder
from index.store import Snapshot

CHUNK, OVERLAP = 500, 100


def chunk_text(text: str, size: int = CHUNK, overlap: int = OVERLAP) -> list[str]:
    """Fixed windows of `size` characters, each starting `size - overlap` after the last."""
    step = size - overlap
    return [text[i : i + size] for i in range(0, max(len(text) - overlap, 1), step)]


@dataclass(frozen=True)
class ChunkBaseline:
    files: list[str]
    chunks: list[str]
    vectors: np.ndarray
    embedder: Embedder

    @classmethod
    def from_snapshot(cls, snapshot: Snapshot, embedder: Embedder) -> ChunkBaseline:
        files, chunks = [], []
        for b in snapshot.briefings.values():
            for c in chunk_text(b.text):
                files.append(b.file)
                chunks.append(c)
        return cls(files, chunks, _cached_vectors(snapshot.path, chunks, embedder), embedder)

    def search(self, question: str, k: int) -> list[tuple[str, str]]:
        if not self.chunks:
            return []
        scores = self.vectors @ self.embedder.encode_queries([question])[0]
        order = np.argsort(-scores)[:k]
        return [(self.files[i], self.chunks[i]) for i in order]


def _cached_vectors(folder: Path, chunks: list[str], embedder: Embedder) -> np.ndarray:
    """The chunks' vectors, kept in the index generation's folder so `eval --compare` embeds them once.

    The file is named by a hash of the vector space and every chunk, so a changed index or model never
    reads another's vectors; it is written whole (temp file, rename) and is plain .npy, never a pickle.
    """
    digest = hashlib.sha1(embedder.name.encode())
    for chunk in chunks:
        digest.update(b"\x00" + chunk.encode())
    path = folder / f"baseline-chunks-{digest.hexdigest()[:16]}.npy"
    with contextlib.suppress(OSError, ValueError):
        vectors = np.load(path, allow_pickle=False)
        if vectors.shape == (len(chunks), embedder.dimension):
            return np.asarray(vectors, dtype=np.float32)
    vectors = embedder.encode_documents(chunks)
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with contextlib.suppress(OSError):  # a read-only index folder: compare without the cache
        with open(temp, "wb") as out:
            np.save(out, vectors, allow_pickle=False)
        os.replace(temp, path)
    return vectors
