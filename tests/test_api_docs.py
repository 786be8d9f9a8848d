"""docs/api.md documents every hook and public name, and is current with the docstrings."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import claimtrack
from claimtrack import hookspecs

ROOT = Path(__file__).parent.parent


def _generator() -> ModuleType:
    path = ROOT / "scripts" / "gen_api_docs.py"
    spec = importlib.util.spec_from_file_location("gen_api_docs", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_hook_and_public_name_has_a_docstring() -> None:
    assert _generator().undocumented() == []


def test_every_hook_is_in_the_reference() -> None:
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    hooks = [name for name in vars(hookspecs) if name.startswith("claimtrack_")]
    assert hooks
    for name in hooks:
        assert f"### `{name}(" in text, f"{name} is missing from docs/api.md"


def test_every_public_name_is_in_the_reference() -> None:
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    for name in set(claimtrack.__all__) - {"__version__"}:
        headings = (f"### `{name}", f"### `claimtrack.{name}(")
        assert any(h in text for h in headings), f"{name} is missing from docs/api.md"


def test_reference_is_current() -> None:
    current = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    assert current == _generator().render(), (
        "docs/api.md is out of date: run python scripts/gen_api_docs.py"
    )
