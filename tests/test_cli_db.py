"""Where the database is: --db before or after the command, mistyped paths, new databases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import claimtrack
from claimtrack import user_config
from claimtrack.cli import app

runner = CliRunner()


def test_db_is_accepted_before_or_after_the_command(tmp_path: Path, harbour_path: Path) -> None:
    db = str(tmp_path / "db")
    assert runner.invoke(app, ["--db", db, "scan", str(harbour_path)]).exit_code == 0
    before = runner.invoke(app, ["--db", db, "claims", "--json"])
    after = runner.invoke(app, ["claims", "--json", "--db", db])
    assert before.exit_code == after.exit_code == 0
    assert json.loads(before.stdout) == json.loads(after.stdout) != []
    checked = runner.invoke(app, ["--db", db, "db", "check", "--json"])
    assert checked.exit_code == 0 and json.loads(checked.stdout)["database"] == db


def _user_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, text: str) -> None:
    """The user configuration file holds ``text``; CLAIMTRACK_DB is unset."""
    config = tmp_path / "config.toml"
    config.write_text(text, encoding="utf-8")
    monkeypatch.setattr(user_config, "user_config_file", lambda: config)
    monkeypatch.delenv("CLAIMTRACK_DB", raising=False)


def test_the_user_configuration_names_the_desk_and_the_environment_wins(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, harbour_path: Path
) -> None:
    configured, named = tmp_path / "configured", tmp_path / "named"
    _user_config(monkeypatch, tmp_path, f'[db]\nlocation = "{configured}"\n')
    assert runner.invoke(app, ["scan", str(harbour_path)]).exit_code == 0
    assert (configured / "claimtrack.sqlite").is_file()
    assert claimtrack.open_store().claims() != []  # the API reads the same setting
    monkeypatch.setenv("CLAIMTRACK_DB", str(named))
    assert runner.invoke(app, ["scan", str(harbour_path)]).exit_code == 0
    assert (named / "claimtrack.sqlite").is_file()


def test_a_malformed_user_configuration_is_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _user_config(monkeypatch, tmp_path, "[db\nlocation = 1\n")
    result = runner.invoke(app, ["claims"])
    assert result.exit_code != 0 and result.stderr.count("\n") == 1
    assert "config.toml: cannot read the configuration" in result.stderr


def test_a_mistyped_db_path_is_an_error_for_commands_that_only_read(tmp_path: Path) -> None:
    missing = tmp_path / "no" / "such" / "db"
    result = runner.invoke(app, ["claims", "--db", str(missing)])
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert f"no database at {missing}" in result.stderr
    assert not (tmp_path / "no").exists()


def test_scan_creates_the_database_and_says_so_once(tmp_path: Path, harbour_path: Path) -> None:
    db = tmp_path / "new" / "place" / "db"
    first = runner.invoke(app, ["scan", str(harbour_path), "--db", str(db)])
    assert first.exit_code == 0, first.stderr
    assert first.stderr.count(f"new database at {db}\n") == 1
    again = runner.invoke(app, ["scan", str(harbour_path), "--db", str(db)])
    assert "new database" not in again.stderr
    assert sorted(p.name for p in db.iterdir())[0] == "claimtrack.sqlite"


def test_scripts_scan_and_open_the_store_as_typed_records(
    tmp_path: Path, harbour_path: Path
) -> None:
    result = claimtrack.scan(harbour_path)
    assert result.claims and all(isinstance(c, claimtrack.Claim) for c in result.claims)
    same = claimtrack.scan(harbour_path.read_text(encoding="utf-8"))
    assert [c.text for c in same.claims] == [c.text for c in result.claims]
    store = claimtrack.open_store(tmp_path / "db")
    store.save_scans([result])
    claims = store.claims()
    assert {c.text for c in claims} <= {c.text for c in result.claims}
    assert claims[0].status == "unverified" and claims[0].to_json()["id"] == claims[0].id
