"""The README's tour works as written: its ids exist once the example article is scanned."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimtrack.cli import app
from claimtrack.store import Store, open_store

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = "examples/express-tribune-2015-01-17-pakistan-russia.txt"
#: Commands whose positional arguments are claim ids (or, for ``articles``, an article id).
CLAIM_COMMANDS = {"show", "verify", "dispute", "mark", "history", "note", "evidence", "similar"}
_HEX = re.compile(r"^[0-9a-f]{4,}$")


def tour() -> list[list[str]]:
    """The ``claimtrack`` commands of the README's tour, as argument lists, in order."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"^## A short tour\n+```sh\n(.*?)^```", readme, re.S | re.M)
    assert block, "README.md has no '## A short tour' followed by a sh block"
    commands = [shlex.split(line, comments=True) for line in block.group(1).splitlines()]
    return [words[1:] for words in commands if words and words[0] == "claimtrack"]


def ids_used(commands: list[list[str]], names: set[str]) -> list[str]:
    """Hex id prefixes given as arguments to the commands called ``names``."""
    return [word for args in commands if args[0] in names for word in args[1:] if _HEX.match(word)]


@pytest.fixture
def scanned(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    """The example article scanned into an empty database, as the README's first command does."""
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(app, ["scan", EXAMPLE])
    assert result.exit_code == 0, result.output
    return open_store(db_path)


def test_tour_uses_ids_of_the_example_article(scanned: Store) -> None:
    commands = tour()
    claims = ids_used(commands, CLAIM_COMMANDS)
    assert claims, "the tour shows no claim id"
    for prefix in claims:
        scanned.claim(prefix)  # raises StoreError: no claim with this id, or ambiguous
    for prefix in ids_used(commands, {"articles"}):
        assert scanned.article(prefix).source.endswith(EXAMPLE)


def test_every_tour_command_runs_in_order(scanned: Store) -> None:
    runner = CliRunner()
    for args in tour():
        result = runner.invoke(app, args)
        assert result.exit_code == 0, f"claimtrack {shlex.join(args)}: {result.output}"
