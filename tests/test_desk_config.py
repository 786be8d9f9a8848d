"""A desk's own statuses and ratings on either backend: ``claimtrack db config`` sets and shows
them (a folder's config.toml, a team desk's ``desk_settings``); ``db copy`` carries them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from claimtrack.cli import app
from claimtrack.errors import StoreError
from claimtrack.store import open_store, pg_schema
from claimtrack.store.records import StoredArticle

FIXTURES = Path(__file__).parent / "fixtures"
ARTICLE = FIXTURES / "desk_pakistan_russia.txt"
VOCABULARY = (
    '[rating]\nbest = 3\n[statuses."needs expert"]\ncolour = "cyan"\n'
    '[statuses.correct]\ncolour = "green"\nrating = 3\nlabel = "Correct"\n'
    '[statuses.wrong]\ncolour = "red"\nrating = 1\n'
)


def run(*args: str) -> Any:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})


def shown(*args: str) -> Any:
    result = run(*args, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def configured(tmp_path: Path, text: str = VOCABULARY, name: str = "desk.toml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    done = run("db", "config", str(path))
    assert done.exit_code == 0, done.stderr
    return done.stdout


def names(*args: str) -> list[str]:
    return [s["name"] for s in shown("db", "config", *args)["statuses"]]


def test_a_desk_takes_its_own_statuses_in_claims_report_and_export(
    desk: str, tmp_path: Path
) -> None:
    assert run("scan", str(ARTICLE)).exit_code == 0
    assert names() == ["unverified", "in progress", "verified", "disputed", "false", "misleading",
                       "unverifiable"]  # fmt: skip
    table = configured(tmp_path)
    assert "needs expert" in table and "Correct" in table and "from 1 (worst) to 3" in table
    assert names() == ["unverified", "needs expert", "correct", "wrong"]
    first, second = (c["id"] for c in shown("claims")[:2])
    assert run("mark", first, "--to", "needs-expert").exit_code == 0
    assert run("mark", second, "--to", "correct").exit_code == 0
    assert run("verify", first).exit_code == 2  # "verified" is not this desk's
    assert [c["id"] for c in shown("claims", "--status", "needs expert")] == [first]
    assert shown("report")["summary"]["statuses"]["needs expert"] == 1
    exported = run("export", "--format", "claimreview", "--status", "correct")
    (review,) = json.loads(exported.stdout)
    assert review["reviewRating"]["alternateName"] == "Correct"
    assert review["reviewRating"]["bestRating"] == 3


def test_a_bad_file_is_one_line_and_keeps_the_vocabulary(desk: str, tmp_path: Path) -> None:
    assert run("scan", str(ARTICLE)).exit_code == 0
    configured(tmp_path)
    claim = shown("claims")[0]["id"]
    assert run("mark", claim, "--to", "wrong").exit_code == 0
    broken = tmp_path / "broken.toml"
    broken.write_text("[statuses\n", encoding="utf-8")
    lacking = tmp_path / "lacking.toml"
    lacking.write_text("[statuses.correct]\nrating = 5\n", encoding="utf-8")
    for path, why in [
        (broken, "broken.toml is not valid TOML"),
        (lacking, "lacks statuses claims of"),
        (tmp_path / "missing.toml", "cannot read"),
    ]:
        result = run("db", "config", str(path))
        assert result.exit_code != 0 and why in result.stderr, result.stderr
        assert result.stderr.count("\n") == 1, result.stderr
        assert names() == ["unverified", "needs expert", "correct", "wrong"]


def test_db_copy_carries_the_vocabulary_both_ways(
    db_path: Path, pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("scan", str(ARTICLE)).exit_code == 0
    configured(tmp_path)
    claim = shown("claims")[0]["id"]
    assert run("mark", claim, "--to", "needs expert").exit_code == 0
    assert run("db", "copy", str(db_path), pg_url).exit_code == 0
    monkeypatch.setenv("CLAIMTRACK_DB", pg_url)
    assert names() == ["unverified", "needs expert", "correct", "wrong"]
    assert [c["id"] for c in shown("claims", "--status", "needs-expert")] == [claim]
    assert run("mark", claim, "--to", "wrong").exit_code == 0
    # A desk with the default vocabulary replacing it takes the defaults along.
    plain = tmp_path / "plain"
    assert run("scan", str(ARTICLE), "--db", str(plain)).exit_code == 0
    assert run("db", "copy", str(plain), pg_url, "--replace").exit_code == 0
    assert "verified" in names() and shown("report")["summary"]["statuses"] == {
        "unverified": len(shown("claims"))
    }
    # And back into a folder: its config.toml is the team desk's settings.
    assert run("db", "copy", str(db_path), pg_url, "--replace").exit_code == 0
    back = tmp_path / "back"
    assert run("db", "copy", pg_url, str(back)).exit_code == 0
    assert (back / "config.toml").read_text(encoding="utf-8") == VOCABULARY
    assert open_store(back).claim(claim).status == "needs expert"


def test_db_upgrade_gives_a_schema_3_team_desk_its_settings(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import psycopg

    assert run("scan", str(ARTICLE), "--db", pg_url).exit_code == 0
    with psycopg.connect(pg_url) as conn:  # as a claimtrack of schema 3 left it
        conn.execute("DROP TABLE desk_settings")
        conn.execute("ALTER TABLE claims DROP COLUMN said")
        for table, column in (("claims", "details"), ("history", "details"), ("rescans", "body")):
            conn.execute(f"ALTER TABLE {table} ALTER COLUMN {column} TYPE JSONB")
        conn.execute("DELETE FROM schema_version WHERE version >= 4")
    monkeypatch.setenv("CLAIMTRACK_DB", pg_url)
    refused = run("db", "config")
    assert refused.exit_code == 1 and "run claimtrack db upgrade" in refused.stderr
    upgraded = shown("db", "upgrade")
    assert (upgraded["from"], upgraded["to"]) == (3, pg_schema.SCHEMA) == (3, 6)
    assert "verified" in names()
    configured(tmp_path)
    assert names() == ["unverified", "needs expert", "correct", "wrong"]
    assert len(shown("claims")) > 1


def test_db_copy_refuses_a_source_whose_settings_are_bad(db_path: Path, tmp_path: Path) -> None:
    assert run("scan", str(ARTICLE)).exit_code == 0
    (db_path / "config.toml").write_text("[statuses\n", encoding="utf-8")
    target = tmp_path / "copy"
    result = run("db", "copy", str(db_path), str(target))
    assert result.exit_code != 0 and result.stderr.count("\n") == 1, result.stderr
    assert "is not valid TOML" in result.stderr
    assert open_store(target).claims() == []


def test_db_copy_writes_the_settings_with_the_content_or_not_at_all(
    desk: str, tmp_path: Path
) -> None:
    """The settings are written in the copy's one change: a copy that fails half-way leaves the
    target with neither the content nor the settings (on either backend)."""
    source = tmp_path / "source"
    assert run("scan", str(ARTICLE), "--db", str(source)).exit_code == 0
    (source / "config.toml").write_text(VOCABULARY, encoding="utf-8")
    target = open_store(desk)
    stored = open_store(source)

    def broken() -> Iterator[StoredArticle]:
        yield from stored.stored_articles()
        raise StoreError("the source went away")

    with pytest.raises(StoreError, match="went away"):
        target.load(broken(), reversed(stored.log()), settings=stored.settings())
    assert target.settings() is None and target.articles() == []
    assert [s.name for s in target.config.statuses][:2] == ["unverified", "in progress"]
    target.load(stored.stored_articles(), reversed(stored.log()), settings=stored.settings())
    assert target.settings() == VOCABULARY and len(target.articles()) == 1
    assert [s.name for s in target.config.statuses] == ["unverified", "needs expert", "correct",
                                                        "wrong"]  # fmt: skip
