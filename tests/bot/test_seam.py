"""The bot reaches the library through the service seam only, and loading it never loads the model stack."""

from __future__ import annotations

import ast
import inspect
import json
import subprocess
import sys
from pathlib import Path

import pytest
from fake_service import FakeService
from paths import ROOT

from index.service import QAService

# What every bot module may import from index/: the protocol, the records it exchanges, the errors it
# raises, the settings, and the question check the bot makes at its edge.
SEAM = {"index.service", "index.records", "index.errors", "index.config", "index.validate"}
# Pure functions over records that the bot shares with the CLI's output rather than copying them:
# citation lines, Answer <-> JSON for the stored meeting sheets, the meeting sheet itself, and why a question was
# refused.
SHARED_PRESENTATION = {"index.cite", "index.serial", "index.sheet", "index.sheet_render", "index.why_refused"}
# The composition roots, which open the real library and hand it to the rest as a QAService.
ROOTS = {
    "serve.py": {"index.library", "index.readers"},
    "cli.py": {"index.cli"},  # `briefbot` is the library's command line plus `serve`
}
HEAVY = ("torch", "faiss", "numpy", "jieba", "sentence_transformers", "onnxruntime")


def index_imports(source: str) -> set[str]:
    """Every index module a source file imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module is not None:
            if node.module == "index":  # `from index import store` imports index.store
                found |= {f"index.{alias.name}" for alias in node.names}
            else:
                found.add(node.module)
    return {name for name in found if name == "index" or name.startswith("index.")}


def test_the_import_check_sees_every_form() -> None:
    source = (
        "import index.answer\nfrom index import store\nfrom index.records import Answer\n"
        "import telegram\n\ndef later():\n    from index.library import Library\n"
    )
    assert index_imports(source) == {"index.answer", "index.store", "index.records", "index.library"}


@pytest.mark.parametrize("path", sorted((ROOT / "bot").glob("*.py")), ids=lambda p: p.name)
def test_bot_modules_import_only_the_seam(path: Path) -> None:
    allowed = SEAM | SHARED_PRESENTATION | ROOTS.get(path.name, set())
    outside = index_imports(path.read_text(encoding="utf-8")) - allowed
    assert not outside, f"bot/{path.name} reaches past the service seam: {sorted(outside)}"


def _loaded_after(modules: list[str]) -> set[str]:
    """The heavy libraries in sys.modules after importing `modules` in a fresh interpreter."""
    code = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout))


def test_the_question_check_imports_nothing_heavy() -> None:
    assert _loaded_after(["index.validate"]) == set()


def test_the_bot_loads_without_the_model_stack() -> None:
    """Only serve.py's opening of the Library brings in torch, faiss and the rest, when the bot starts."""
    modules = [f"bot.{p.stem}" for p in sorted((ROOT / "bot").glob("*.py")) if p.name not in ROOTS]
    assert _loaded_after(modules) == set()


def _public_methods(cls: type) -> dict[str, inspect.Signature]:
    return {name: inspect.signature(member) for name, member in vars(cls).items()
            if callable(member) and not name.startswith("_")}


def test_the_fake_service_keeps_to_the_protocol(tmp_path: Path) -> None:
    from index.library import Library

    wanted = _public_methods(QAService)
    assert set(wanted) == {"ask", "info", "context", "rebuild"}
    for implementation in (FakeService, Library):
        for name, signature in wanted.items():
            have = inspect.signature(getattr(implementation, name))
            given = list(have.parameters.values())
            assert [p.name for p in given[: len(signature.parameters)]] == list(signature.parameters), name
            for param in signature.parameters.values():
                assert have.parameters[param.name].annotation == param.annotation, (implementation, name)
            extra = given[len(signature.parameters):]
            assert all(p.default is not inspect.Parameter.empty for p in extra), (implementation, name)
            assert have.return_annotation == signature.return_annotation, (implementation, name)
    service: QAService = FakeService(tmp_path)  # and mypy, where tests are type-checked
    assert service.info().files == 1
