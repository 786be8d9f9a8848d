"""Moving a whole desk with ``claimtrack db copy``: everything carried over, digests equal."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from claimtrack.cli import app
from claimtrack.store import open_store, recovery
from claimtrack.store.transfer import fingerprint

FIXTURES = Path(__file__).parent / "fixtures"


def run(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


@pytest.fixture
def desk(tmp_path: Path) -> Path:
    """A desk holding one of everything: ``db_schema2`` (three articles, a rescan, verdicts,
    notes, evidence, an undo and a contradiction decision), upgraded."""
    root = tmp_path / "desk"
    shutil.copytree(FIXTURES / "db_schema2", root)
    open_store(root).articles()
    return root


def read(db: Path, *command: str) -> Any:
    result = run(*command, "--db", str(db), "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_copy_carries_everything_over_with_equal_digests(desk: Path, tmp_path: Path) -> None:
    target = tmp_path / "copy"
    result = run("db", "copy", str(desk), str(target), "--json")
    assert result.exit_code == 0, result.stderr
    done = json.loads(result.stdout)
    assert done["identical"] and done["digest"] == done["target_digest"]
    assert done["digest"] == fingerprint(open_store(desk)).digest
    counts = done["counts"]
    assert counts == done["target_counts"]
    assert (counts["articles"], counts["changes"], counts["rescans"], counts["decisions"]) == (
        3,
        8,
        1,
        1,
    )
    assert counts["notes"] and counts["evidence"] and counts["verdicts"]
    for command in (("claims",), ("log",), ("contradictions", "--stale"), ("articles",)):
        assert read(target, *command) == read(desk, *command)
    claim = read(desk, "claims")[0]["id"]
    assert read(target, "history", claim) == read(desk, "history", claim)
    assert recovery.check(target).ok


def test_a_copied_desk_works_on(desk: Path, tmp_path: Path) -> None:
    target = tmp_path / "copy"
    assert run("db", "copy", str(desk), str(target)).exit_code == 0
    store = open_store(target)
    claim = store.claims()[0]
    assert claim.id in [m.id for m in store.search(claim.claim)]
    store.mark([claim.id], "false", by="ana")
    assert store.history(claim.id)[-1].by == "ana"
    assert store.undo(by="ana").details["undoes"] == store.history(claim.id)[-2].id


def test_copy_refuses_a_target_holding_a_desk_unless_replacing(desk: Path, tmp_path: Path) -> None:
    target = tmp_path / "copy"
    shutil.copytree(FIXTURES / "db_schema1", target)
    before = read(target, "claims")
    refused = run("db", "copy", str(desk), str(target))
    assert refused.exit_code == 1 and refused.stderr.count("\n") == 1
    assert "not empty" in refused.stderr
    assert read(target, "claims") == before
    replaced = run("db", "copy", str(desk), str(target), "--replace")
    assert replaced.exit_code == 0, replaced.stderr
    assert "identical" in replaced.stdout
    assert read(target, "claims") == read(desk, "claims")


def test_copy_names_a_missing_source_in_one_line(tmp_path: Path) -> None:
    result = run("db", "copy", str(tmp_path / "nothing"), str(tmp_path / "copy"))
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "no database at" in result.stderr
    assert not (tmp_path / "copy").exists()
    onto_itself = run("db", "copy", str(tmp_path), str(tmp_path))
    assert onto_itself.exit_code == 1 and "onto itself" in onto_itself.stderr


def test_a_desk_copied_to_postgresql_and_back_has_the_same_digest(
    desk: Path, tmp_path: Path, pg_url: str
) -> None:
    team = pg_url
    there = run("db", "copy", str(desk), team, "--json")
    assert there.exit_code == 0, there.stderr
    back = run("db", "copy", team, str(tmp_path / "back"), "--json")
    assert back.exit_code == 0, back.stderr
    first, second = json.loads(there.stdout), json.loads(back.stdout)
    assert first["identical"] and second["identical"]
    assert first["digest"] == second["digest"] == fingerprint(open_store(desk)).digest
    assert first["counts"] == second["target_counts"]
    claim = read(desk, "claims")[0]["id"]
    for command in (
        ("claims",),
        ("log",),
        ("contradictions", "--stale"),
        ("articles",),
        ("show", claim),
        ("history", claim),
        ("report", "--no-text"),
    ):
        here, there = (run(*command, "--db", db, "--json") for db in (str(desk), team))
        assert here.exit_code == there.exit_code == 0, there.stderr
        assert there.stdout == here.stdout  # the same JSON, keys in the same order


def test_a_rescan_reads_the_same_on_both_desks(tmp_path: Path, pg_url: str) -> None:
    folder, source = tmp_path / "desk", tmp_path / "harbour.txt"
    text = (FIXTURES / "harbour.txt").read_text(encoding="utf-8")
    source.write_text(text, encoding="utf-8")
    assert run("scan", str(source), "--db", str(folder)).exit_code == 0
    source.write_text("Rain fell on the quay. " + text.replace("1.2", "1.3", 1), encoding="utf-8")
    assert run("scan", str(source), "--db", str(folder)).exit_code == 0
    assert run("db", "copy", str(folder), pg_url).exit_code == 0
    here, there = (run("diff", str(source), "--db", db, "--json") for db in (str(folder), pg_url))
    assert here.exit_code == there.exit_code == 0, there.stderr
    [rescan] = json.loads(here.stdout)
    assert rescan["moved"] and any(m["edited"] for m in rescan["moved"])
    assert there.stdout == here.stdout  # keys in the same order
