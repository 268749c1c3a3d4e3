"""Which FAISS index a collection gets, by its size, and with which search parameters (no faiss here).

Below `Tunables.approximate_from` vectors the index is exact (a flat inner-product scan: nothing to
train, nothing to lose). Above it, an inverted file (IVF) of scalar-quantized codes, fp16 (half of
flat's memory) or SQ8 (a quarter), whose search visits `nprobe` of `nlist` lists instead of every row.
The plan is written into the manifest ("vector_index") and read back from it, so a loaded index is
searched as it was built.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["CODES", "DEFAULT_TUNABLES", "FLAT", "Codes", "Kind", "Plan", "Tunables", "choose", "plan_from_json"]

Kind = Literal["flat", "ivf"]
KINDS: tuple[Kind, ...] = ("flat", "ivf")
Codes = Literal["fp16", "sq8"]
CODES: tuple[Codes, ...] = ("fp16", "sq8")


@dataclass(frozen=True)
class Tunables:
    """The size threshold and the approximate index's parameters.

    Measured by `bench/scale.py` (docs/quality.md, "Scale: a million sentences"; 1,010,331 vectors, nlist
    1005): recall@10 against flat reached 0.989 with fp16 codes at nprobe 128 (0.964 at 64), in 7.9 ms
    against flat's 312 ms; SQ8 codes stopped at 0.958 even at nprobe 128. Flat's scan cost 0.31 ms per
    1,000 vectors in that run, so below 100,000 it stays under ~30 ms, exact and untrained; the whole
    evaluation corpus (55,424 sentences) is flat.
    """

    approximate_from: int = 100_000  # vectors; at or above this the index is an IVF
    codes: Codes = "fp16"  # SQ8 stopped short of recall@10 0.98 at every nprobe measured
    lists_per_sqrt: float = 1.0  # nlist = lists_per_sqrt · √n, the low end of the usual 1–16 · √n
    nprobe: int = 128  # lists visited per query: the least that met recall@10 ≥ 0.98 at a million
    train_per_list: int = 64  # vectors k-means trains on, per list (FAISS warns below 39)


DEFAULT_TUNABLES = Tunables()


@dataclass(frozen=True)
class Plan:
    """One index's type and parameters, as the manifest records them."""

    kind: Kind
    nlist: int = 0
    nprobe: int = 0
    codes: Codes = "fp16"

    def to_json(self) -> dict[str, Any]:
        if self.kind == "flat":
            return {"kind": "flat"}
        return {"kind": self.kind, "codes": self.codes, "nlist": self.nlist, "nprobe": self.nprobe}


FLAT = Plan("flat")


def choose(n: int, tunables: Tunables = DEFAULT_TUNABLES) -> Plan:
    """Flat below the threshold; an IVF at or above it, with at most one list per 39 vectors."""
    if n < tunables.approximate_from or n < 39:
        return FLAT
    nlist = max(1, min(int(tunables.lists_per_sqrt * math.sqrt(n)), n // 39))
    return Plan("ivf", nlist=nlist, nprobe=min(tunables.nprobe, nlist), codes=tunables.codes)


def plan_from_json(data: Any) -> Plan:
    """The manifest's plan; ValueError if it is not one this briefbot builds."""
    if not isinstance(data, dict) or data.get("kind") not in KINDS:
        raise ValueError("the manifest's 'vector_index' names no known index type")
    if data["kind"] == "flat":
        if set(data) != {"kind"}:
            raise ValueError("the manifest's flat 'vector_index' has extra fields")
        return FLAT
    if set(data) != {"kind", "codes", "nlist", "nprobe"} or data["codes"] not in CODES or not all(
        isinstance(data[k], int) and not isinstance(data[k], bool) and data[k] > 0 for k in ("nlist", "nprobe")
    ) or data["nprobe"] > data["nlist"]:
        raise ValueError("the manifest's 'vector_index' parameters are missing or malformed")
    return Plan(data["kind"], nlist=data["nlist"], nprobe=data["nprobe"], codes=data["codes"])
