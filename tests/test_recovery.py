"""A damaged database is reported with its backup, checked, and restored; never overwritten."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from claimtrack import recovery
from claimtrack.cli import app

runner = CliRunner()


def cli(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def db(db_path: Path, harbour_path: Path) -> Path:
    """A database holding the harbour article, scanned twice so that backups exist."""
    for _ in range(2):
        code, _, err = cli("scan", "--json", str(harbour_path))
        assert code in (0, 3), err
    claim = json.loads(cli("claims", "--json")[1])[0]["id"]
    assert cli("verify", claim, "--note", "checked")[0] == 0
    return db_path


def test_healthy_database_checks_clean(db: Path) -> None:
    code, out, _ = cli("db", "check", "--json")
    report = json.loads(out)
    assert code == 0 and report["ok"] and report["problems"] == []
    assert report["articles"] == 1 and report["claims"] > 0
    assert {b["file"] for b in report["backups"]} >= {"catalog.json"}


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda b: b[: len(b) // 2], id="truncated"),
        pytest.param(lambda b: b"", id="emptied"),
        pytest.param(lambda b: b"\x89PNG\r\n\x1a\n\x00\x00garbage", id="garbage"),
        pytest.param(lambda b: b"[1, 2, 3]", id="not-tables"),
    ],
)
def test_damaged_catalog_names_the_backup_and_is_not_overwritten(
    db: Path, harbour_path: Path, damage: object
) -> None:
    catalog = db / "catalog.json"
    damaged = damage(catalog.read_bytes())  # type: ignore[operator]
    catalog.write_bytes(damaged)
    code, _, err = cli("claims")
    assert code == 1
    assert "catalog.json" in err and "catalog.json.bak" in err and "db restore" in err
    code, _, err = cli("scan", str(harbour_path))
    assert code == 1 and "unreadable" in err
    assert catalog.read_bytes() == damaged  # claimtrack never overwrites what it cannot read


def test_damaged_article_file_is_reported_by_check(db: Path) -> None:
    [article] = (db / "articles").glob("*.json")
    article.write_bytes(article.read_bytes()[:100])
    code, out, _ = cli("db", "check", "--json")
    report = json.loads(out)
    assert code == 1 and not report["ok"]
    assert [p["kind"] for p in report["problems"]] == ["unreadable"]
    assert report["problems"][0]["file"] == f"articles/{article.name}"


def test_newer_schema_is_refused_with_a_clear_message(db: Path) -> None:
    catalog = db / "catalog.json"
    data = orjson.loads(catalog.read_bytes())
    data["meta"]["1"]["schema"] = 99
    catalog.write_bytes(orjson.dumps(data))
    code, _, err = cli("claims")
    assert code == 1 and "schema 99" in err and "upgrade claimtrack" in err
    code, out, _ = cli("db", "check", "--json")
    assert code == 1 and json.loads(out)["problems"][0]["kind"] == "schema"
    assert orjson.loads(catalog.read_bytes())["meta"]["1"]["schema"] == 99


def test_restore_asks_first_and_keeps_the_damaged_file(db: Path) -> None:
    catalog = db / "catalog.json"
    catalog.write_bytes(b'{"articles": {"1": {"id"')
    code, out, _ = cli("db", "restore", input="n\n")
    assert code == 0 and "skipped catalog.json" in out
    assert catalog.read_bytes() == b'{"articles": {"1": {"id"'
    code, out, _ = cli("db", "restore", "--yes")
    assert code == 0 and "restored catalog.json" in out
    kept = list(db.glob("catalog.json.damaged-*"))
    assert len(kept) == 1 and kept[0].read_bytes() == b'{"articles": {"1": {"id"'
    assert cli("claims", "--json")[0] == 0


def test_restore_with_nothing_damaged_changes_nothing(db: Path) -> None:
    before = (db / "catalog.json").read_bytes()
    code, out, _ = cli("db", "restore", "--yes")
    assert code == 0 and "nothing to restore" in out
    assert (db / "catalog.json").read_bytes() == before


def test_restore_refuses_an_unreadable_backup(db: Path) -> None:
    (db / "catalog.json").write_bytes(b"{")
    (db / "catalog.json.bak").write_bytes(b"{")
    code, _, err = cli("db", "restore", "--yes", "catalog.json")
    assert code == 1 and "unreadable too" in err
    assert (db / "catalog.json").read_bytes() == b"{"


def test_restore_refuses_paths_outside_the_database(db: Path, tmp_path: Path) -> None:
    code, _, err = cli("db", "restore", "--yes", "../outside.json")
    assert code == 1 and "not a file of the database" in err


def test_check_finds_index_and_catalog_disagreements(db: Path) -> None:
    shard = next((db / "index").glob("*.json"))
    data = orjson.loads(shard.read_bytes())
    data["ids"]["999"] = {"id": "ffffffffffff", "article": "000000000000"}
    shard.write_bytes(orjson.dumps(data))
    catalog = db / "catalog.json"
    data = orjson.loads(catalog.read_bytes())
    data["articles"]["1"]["claims"] += 5
    catalog.write_bytes(orjson.dumps(data))
    kinds = {p.kind for p in recovery.check(db).problems}
    assert kinds == {"index", "catalog"}


def test_check_finds_a_contradiction_count_out_of_step_and_reindex_repairs_it(db: Path) -> None:
    [article] = (db / "articles").glob("*.json")
    data = orjson.loads(article.read_bytes())
    assert not data.get("contradictions")
    # A contradiction the catalog does not count: listings, trusting the count, would skip it.
    data["contradictions"] = {"1": {"id": "c0ffee000000", "kind": "quantity"}}
    article.write_bytes(orjson.dumps(data))
    [problem] = recovery.check(db).problems
    assert problem.kind == "catalog" and problem.file == "catalog.json"
    assert f"article {article.stem}: 0 contradictions counted, 1 in its file" in problem.message
    code, out, _ = cli("db", "check")
    assert code == 1 and "0 contradictions counted" in out
    assert cli("db", "reindex")[0] == 0
    assert recovery.check(db).problems == []


def test_check_reports_duplicated_records(db: Path) -> None:
    [article] = (db / "articles").glob("*.json")
    data = orjson.loads(article.read_bytes())
    first = next(iter(data["claims"].values()))
    data["claims"]["9999"] = first
    article.write_bytes(orjson.dumps(data))
    assert "duplicate" in {p.kind for p in recovery.check(db).problems}


def test_check_of_a_folder_that_is_not_a_database(tmp_path: Path) -> None:
    code, _, err = cli("db", "check", "--db", str(tmp_path))
    assert code == 1 and "not a claimtrack database" in err
