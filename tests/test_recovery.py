"""A damaged database is named in one line, checked, and salvaged; check then restore ends clean."""

from __future__ import annotations

import gc
import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from claimtrack.cli import app
from claimtrack.store import recovery

runner = CliRunner()
FIXTURES = Path(__file__).parent / "fixtures"


def cli(*args: str, input: str | None = None) -> tuple[int, str, str]:
    """Exit code, stdout and stderr (human output with its line wrapping undone)."""
    result = runner.invoke(app, list(args), input=input)
    if "--json" in args:
        return result.exit_code, result.stdout, result.stderr
    return result.exit_code, " ".join(result.stdout.split()), result.stderr


def sql(db: Path, statement: str, *args: object) -> list[Any]:
    with sqlite3.connect(db / "claimtrack.sqlite") as conn:
        return conn.execute(statement, args).fetchall()


@pytest.fixture
def db(db_path: Path, harbour_path: Path) -> Path:
    """A database holding the harbour and Pakistan articles, one claim verified with a note."""
    for path in (harbour_path, FIXTURES / "desk_pakistan_russia.txt"):
        code, _, err = cli("scan", "--json", str(path))
        assert code in (0, 3), err
    claim = json.loads(cli("claims", "--json")[1])[0]["id"]
    assert cli("verify", claim, "--note", "checked")[0] == 0
    return db_path


def test_healthy_database_checks_clean(db: Path) -> None:
    code, out, _ = cli("db", "check", "--json")
    report = json.loads(out)
    assert code == 0 and report["ok"] and report["problems"] == []
    assert report["articles"] == 2 and report["claims"] > 0 and report["changes"] == 1


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda b: b[: len(b) // 3], id="truncated"),
        pytest.param(lambda b: b"", id="emptied"),
        pytest.param(lambda b: b"\x89PNG\r\n\x1a\n\x00\x00garbage" * 50, id="garbage"),
        pytest.param(lambda b: b[:4096] + bytes(range(256)) * 16 + b[8192:], id="page"),
    ],
)
def test_damage_is_named_in_one_line_and_check_then_restore_ends_clean(
    db: Path, harbour_path: Path, damage: object
) -> None:
    gc.collect()  # the commands run in this process have ended: their connections close
    file = db / "claimtrack.sqlite"
    damaged = damage(file.read_bytes())  # type: ignore[operator]
    for leftover in ("claimtrack.sqlite-wal", "claimtrack.sqlite-shm"):
        (db / leftover).unlink(missing_ok=True)
    file.write_bytes(damaged)
    code, _, err = cli("claims")
    if damaged:  # an empty file is a new, empty SQLite database
        assert code == 1 and err.count("\n") == 1
        assert "claimtrack.sqlite is damaged" in " ".join(err.split()) and "db restore" in err
        code, _, err = cli("scan", str(harbour_path))
        assert code == 1 and "damaged" in err
        assert file.read_bytes() == damaged  # claimtrack never overwrites what it cannot read
        code, out, _ = cli("db", "check")
        assert code == 1 and "claimtrack db restore" in out
    code, out, err = cli("db", "restore", "--yes")
    assert code == 0, err
    assert "carried over" in out and "claimtrack.sqlite.damaged-" in out
    kept = [p for p in db.glob("claimtrack.sqlite.damaged-*") if p.name[-4] != "-"]
    assert len(kept) == 1
    if damaged and not damaged.startswith(b"SQLite format 3"):
        assert kept[0].read_bytes() == damaged
    code, out, _ = cli("db", "check")
    assert code == 0 and "database is healthy" in out
    assert cli("claims", "--json")[0] == 0


def test_restore_of_a_damaged_page_carries_over_what_can_be_read(db: Path) -> None:
    before = json.loads(cli("claims", "--json")[1])
    assert cli("db", "restore", "--yes")[0] == 0  # nothing damaged: everything carried over
    assert json.loads(cli("claims", "--json")[1]) == before
    assert [e["note"] for e in json.loads(cli("log", "--json")[1])] == ["checked"]


def test_an_unreadable_article_is_named_and_restore_leaves_it_out(db: Path) -> None:
    [(name,)] = sql(db, "SELECT name FROM documents ORDER BY name LIMIT 1")
    sql(db, "UPDATE documents SET body = '{\"claims\": ' WHERE name = ?", name)
    code, out, _ = cli("db", "check", "--json")
    report = json.loads(out)
    assert code == 1 and {(p["where"], p["kind"]) for p in report["problems"]} >= {
        (name, "unreadable")
    }
    assert cli("db", "restore", "--yes")[0] == 0
    assert recovery.check(db).ok
    assert len(json.loads(cli("articles", "--json")[1])) == 1


def test_restore_asks_first(db: Path) -> None:
    before = (db / "claimtrack.sqlite").stat().st_ino
    code, out, _ = cli("db", "restore", input="n\n")
    assert code == 1 and "nothing changed" in out
    assert (db / "claimtrack.sqlite").stat().st_ino == before
    assert not list(db.glob("*.damaged-*"))


def test_newer_schema_is_refused_with_a_clear_message(db: Path) -> None:
    sql(db, "UPDATE meta SET value = '99' WHERE key = 'schema'")
    code, _, err = cli("claims")
    assert code == 1 and "schema 99" in err and "upgrade claimtrack" in err
    code, out, _ = cli("db", "check", "--json")
    assert code == 1 and json.loads(out)["problems"][0]["kind"] == "schema"


def test_check_finds_index_and_catalog_disagreements(db: Path) -> None:
    sql(db, "INSERT INTO claim_ids VALUES ('ffffffffffff', '000000000000')")
    [(article, body)] = sql(db, "SELECT id, body FROM catalog ORDER BY seq LIMIT 1")
    entry = json.loads(body)
    entry["claims"] += 5
    sql(db, "UPDATE catalog SET body = ? WHERE id = ?", json.dumps(entry), article)
    kinds = {p.kind for p in recovery.check(db).problems}
    assert kinds == {"index", "catalog"}
    assert cli("db", "reindex")[0] == 0
    assert recovery.check(db).ok


def test_a_contradiction_count_out_of_step_is_found_and_reindex_repairs_it(db: Path) -> None:
    [(article, body)] = [
        row for row in sql(db, "SELECT id, body FROM catalog") if b'"contradictions":3' in row[1]
    ]
    entry = json.loads(body) | {"contradictions": 0}
    sql(db, "UPDATE catalog SET body = ? WHERE id = ?", json.dumps(entry), article)
    [problem] = recovery.check(db).problems
    assert problem.kind == "catalog" and problem.where == f"article/{article}"
    code, out, _ = cli("db", "check")
    assert code == 1 and "counts differ" in out
    assert cli("db", "reindex")[0] == 0
    assert recovery.check(db).problems == []


def test_a_folder_database_with_a_garbage_catalog_upgrades_from_its_articles(
    tmp_path: Path,
) -> None:
    root = tmp_path / "db"
    shutil.copytree(FIXTURES / "db_schema2", root)
    (root / "catalog.json").write_bytes(b"\x00garbage")
    code, out, err = cli("db", "upgrade", "--db", str(root))
    assert code == 0, err
    assert "upgraded 3 articles" in out
    assert cli("db", "check", "--db", str(root))[0] == 0
    assert len(json.loads(cli("claims", "--db", str(root), "--json")[1])) == 26


def test_check_of_a_folder_that_is_not_a_database(tmp_path: Path) -> None:
    code, _, err = cli("db", "check", "--db", str(tmp_path))
    assert code == 1 and "not a claimtrack database" in err


def test_restore_keeps_the_newest_document_where_a_damaged_key_let_two_share_a_name(
    db: Path,
) -> None:
    claim = json.loads(cli("claims", "--json")[1])[0]["id"]
    gc.collect()
    with sqlite3.connect(db / "claimtrack.sqlite", isolation_level=None) as conn:
        conn.execute("PRAGMA writable_schema = ON")  # the documents' key index is lost
        conn.execute(
            "UPDATE sqlite_master SET sql = 'CREATE TABLE documents(name TEXT, body BLOB NOT NULL)'"
            " WHERE name = 'documents'"
        )
        conn.execute("DELETE FROM sqlite_master WHERE name = 'sqlite_autoindex_documents_1'")
    conn.close()
    assert cli("dispute", claim, "--note", "wrong year")[0] == 0  # written as a second row
    [(name, copies)] = sql(
        db, "SELECT name, COUNT(*) FROM documents GROUP BY name HAVING COUNT(*) > 1"
    )
    assert copies == 2 and name.startswith("article/")
    assert cli("db", "restore", "--yes")[0] == 0
    assert recovery.check(db).ok
    [stored] = [c for c in json.loads(cli("claims", "--json")[1]) if c["id"] == claim]
    assert stored["status"] == "disputed"
    assert [n["text"] for n in stored["notes"]] == ["checked", "wrong year"]
