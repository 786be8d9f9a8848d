"""Shared fixtures: small articles written for the tests and an isolated database folder."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def harbour_path() -> Path:
    """A short news article with a byline, quotes, a speaker, a footer and comments."""
    return FIXTURES / "harbour.txt"


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty database folder, also set as CLAIMTRACK_DB; plugin env settings cleared."""
    path = tmp_path / "db"
    monkeypatch.setenv("CLAIMTRACK_DB", str(path))
    monkeypatch.setenv("CLAIMTRACK_USER", "tester")
    monkeypatch.delenv("CLAIMTRACK_DISABLE_PLUGINS", raising=False)
    monkeypatch.delenv("CLAIMTRACK_PLUGINS_DIR", raising=False)
    return path
