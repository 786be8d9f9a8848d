"""Shared fixtures: small articles written for the tests and an isolated database folder."""

from __future__ import annotations

from collections.abc import Callable
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


@pytest.fixture
def terminal() -> Callable[..., tuple[int, str, str]]:
    """:func:`on_a_terminal`, for tests."""
    return on_a_terminal


def on_a_terminal(
    args: list[str], env: dict[str, str] | None = None, merge_stderr: bool = False
) -> tuple[int, str, str]:
    """Run ``claimtrack ARGS`` with its standard output (and, with ``merge_stderr``, its
    standard error) on a pseudo-terminal: (exit status, what the terminal got, stderr)."""
    import os
    import pty
    import subprocess
    import sys

    leader, follower = pty.openpty()
    child = subprocess.Popen(
        [sys.executable, "-m", "claimtrack", *args],
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=follower if merge_stderr else subprocess.PIPE,
        env=env,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    _, stderr = child.communicate(timeout=120)
    shown = b"".join(chunks).decode("utf-8").replace("\r\n", "\n")
    return child.returncode, shown, (stderr or b"").decode()
