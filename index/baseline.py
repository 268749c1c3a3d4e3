"""The typical RAG default, for comparison only: 500-character chunks with overlap, dense, whole chunk returned."""

from __future__ import annotations

from dataclasses import dataclass

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
        return cls(files, chunks, embedder.encode_documents(chunks), embedder)

    def search(self, question: str, k: int) -> list[tuple[str, str]]:
        if not self.chunks:
            return []
        scores = self.vectors @ self.embedder.encode_queries([question])[0]
        order = np.argsort(-scores)[:k]
        return [(self.files[i], self.chunks[i]) for i in order]
