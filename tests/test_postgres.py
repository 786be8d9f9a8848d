"""The team desk on PostgreSQL: choosing it by URL, its schema, and what it never shows."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimtrack.cli import app
from claimtrack.errors import StoreError
from claimtrack.sandbox import writes_forbidden
from claimtrack.store import open_store, pg_schema, postgres
from claimtrack.store.locations import is_server, redact, scrub

runner = CliRunner()
CLI = [sys.executable, "-c", "from claimtrack.__main__ import main; main()"]


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (
            "postgresql://ana:s3cret@db.example:5432/desk",
            "postgresql://ana:***@db.example:5432/desk",
        ),
        ("postgres://ana@db.example/desk", "postgres://ana@db.example/desk"),
        ("postgresql://ana:@/desk?host=/run/pg", "postgresql://ana:***@/desk?host=/run/pg"),
        (
            "postgresql:///desk?user=ana&password=s3cret&sslmode=require",
            "postgresql:///desk?user=ana&password=***&sslmode=require",
        ),
        ("postgresql://ana:p%40ss@host/desk", "postgresql://ana:***@host/desk"),
    ],
)
def test_redact_hides_the_password(url: str, shown: str) -> None:
    assert redact(url) == shown
    assert scrub(f"could not reach {url}: s3cret rejected", url) == (
        f"could not reach {shown}: {'***' if 's3cret' in url else 's3cret'} rejected"
    )


def test_only_postgresql_urls_name_a_server() -> None:
    assert is_server("postgresql://a@b/c") and is_server("POSTGRES://a@b/c")
    assert not is_server("postgresql:") and not is_server("desk/postgresql://x")
    assert not is_server(Path("postgresql://a@b/c")) and not is_server(None)


def test_a_server_url_opens_the_team_desk_not_a_folder(
    pg_url: str, harbour_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    url = pg_url
    done = runner.invoke(app, ["--db", url, "scan", str(harbour_path)])
    assert done.exit_code == 0, done.stderr
    assert f"new database at {redact(url)}" in done.stderr
    assert isinstance(open_store(url), postgres.PostgresStore)
    assert list(tmp_path.iterdir()) == []  # no folder named "postgresql:"


def test_an_unreachable_server_is_one_line_without_the_password(tmp_path: Path) -> None:
    url = "postgresql://ana:s3cret@127.0.0.1:9/desk?connect_timeout=3"
    done = subprocess.run([*CLI, "claims", "--db", url], capture_output=True, text=True)
    assert done.returncode == 1 and done.stderr.count("\n") == 1, done.stderr
    assert "cannot connect to postgresql://ana:***@127.0.0.1:9/desk" in done.stderr
    assert "s3cret" not in done.stderr + done.stdout and "Traceback" not in done.stderr


def test_a_malformed_url_is_one_line() -> None:
    done = runner.invoke(app, ["claims", "--db", "postgresql://ana:s3cret@host:port/desk"])
    assert done.exit_code == 1 and done.stderr.count("\n") == 1, done.stderr
    assert "s3cret" not in done.stderr and "cannot connect to" in done.stderr


def test_without_the_driver_the_error_names_the_extra() -> None:
    blocked = (
        "import sys; sys.modules['psycopg'] = None\nfrom claimtrack.__main__ import main; main()"
    )
    done = subprocess.run(
        [sys.executable, "-c", blocked, "claims", "--db", "postgresql://ana:s3cret@host/desk"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1 and done.stderr.count("\n") == 1, done.stderr
    assert "pip install 'claimtrack[postgres]'" in done.stderr and "s3cret" not in done.stderr


def test_db_upgrade_makes_the_tables_once(pg_url: str) -> None:
    url = pg_url
    first = runner.invoke(app, ["db", "upgrade", "--json", "--db", url])
    assert first.exit_code == 0, first.stderr
    assert json.loads(first.stdout) == {
        "database": redact(url),
        "upgraded": True,
        "from": 0,
        "to": pg_schema.SCHEMA,
    }
    again = runner.invoke(app, ["db", "upgrade", "--db", url])
    assert again.exit_code == 0 and "is up to date" in again.stdout
    assert runner.invoke(app, ["claims", "--json", "--db", url]).stdout.strip() == "[]"


def test_an_older_schema_is_refused_until_db_upgrade(
    pg_url: str, harbour_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = pg_url
    assert runner.invoke(app, ["scan", str(harbour_path), "--db", url]).exit_code == 0
    newer = {**pg_schema.MIGRATIONS, pg_schema.SCHEMA + 1: ["CREATE TABLE later(x INTEGER)"]}
    monkeypatch.setattr(pg_schema, "MIGRATIONS", newer)
    monkeypatch.setattr(pg_schema, "SCHEMA", pg_schema.SCHEMA + 1)
    monkeypatch.setattr(postgres, "MIGRATIONS", newer)
    monkeypatch.setattr(postgres, "SCHEMA", pg_schema.SCHEMA)
    refused = runner.invoke(app, ["claims", "--db", url])
    assert refused.exit_code == 1 and "run claimtrack db upgrade" in refused.stderr
    upgraded = runner.invoke(app, ["db", "upgrade", "--json", "--db", url])
    assert json.loads(upgraded.stdout)["to"] == pg_schema.SCHEMA
    listed = runner.invoke(app, ["claims", "--json", "--db", url])
    assert listed.exit_code == 0 and json.loads(listed.stdout) != []


def test_a_newer_schema_is_refused(pg_url: str) -> None:
    url = pg_url
    postgres.PostgresStore(url).articles()
    store = postgres.PostgresStore(url)
    store._write(lambda tx: tx.run("INSERT INTO schema_version VALUES (99, 'later')"))
    done = runner.invoke(app, ["claims", "--db", url])
    assert done.exit_code == 1 and "newer than this claimtrack understands" in done.stderr


def test_a_password_in_the_url_is_never_printed(pg_url: str, harbour_path: Path) -> None:
    url = pg_url.replace("postgres:@", "postgres:s3cret@")  # trust: ignored
    for args in (["scan", str(harbour_path)], ["claims"], ["db", "upgrade"], ["report"]):
        done = subprocess.run([*CLI, *args, "--db", url], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        assert "s3cret" not in done.stdout + done.stderr
    assert "postgres:***@" in done.stdout + done.stderr or "postgres:***@" in redact(url)


def test_check_and_restore_are_for_folders() -> None:
    url = "postgresql://ana:s3cret@127.0.0.1/desk"
    for command in (["db", "check"], ["db", "restore", "--yes"]):
        done = runner.invoke(app, [*command, "--db", url])
        assert done.exit_code == 2 and "works on a database folder" in done.stderr
        assert "s3cret" not in done.stderr


def test_a_first_open_refused_leaves_the_store_usable(pg_url: str) -> None:
    store = open_store(pg_url)
    with writes_forbidden("plugin-x"), pytest.raises(StoreError, match="plugin-x may not write"):
        store.claims()  # an empty database: making its tables is a write
    assert store.claims() == []  # the next call connects again, and makes them


def test_a_plugin_may_not_change_a_team_desk(pg_url: str, harbour_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["scan", str(harbour_path), "--db", pg_url]).exit_code == 0
    store = open_store(pg_url)
    claim = store.claims()[0]
    with writes_forbidden("plugin-x"), pytest.raises(StoreError, match="plugin-x may not write"):
        store.mark([claim.id], "verified")
    assert store.claim(claim.id).status == claim.status and store.log() == []
