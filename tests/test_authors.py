"""Every change records who made it: ``--by``, else ``CLAIMTRACK_USER``, else the login name."""

from __future__ import annotations

import csv
import getpass
import io
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from claimtrack.cli import app
from claimtrack.model import Claim, Metadata, ScanResult
from claimtrack.store import current_user, open_store
from claimtrack.text import make_article


def run(*args: str) -> Any:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout) if "--json" in args else result.stdout


def stored_claim(db: Path) -> str:
    text = "Harbour\n\nCargo volumes rose 12 percent in the first quarter."
    article = make_article(text, "-", Metadata(title="Harbour"))
    claim = Claim.from_span(article, 9, len(text), score=0.9, checkworthy=True)
    open_store(db).save_scans([ScanResult(article=article, claims=(claim,))])
    return claim.id


def test_without_by_a_change_is_signed_with_the_login_name(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CLAIMTRACK_USER")
    monkeypatch.setenv("LOGNAME", "ana")
    claim = stored_claim(db_path)
    run("mark", claim, "false")
    run("note", claim, "checked with the port")
    assert [e["by"] for e in run("history", claim, "--json")] == ["ana", "ana"]
    assert run("log", "--json")[0]["by"] == "ana"


def test_by_and_the_environment_come_before_the_login_name(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOGNAME", "ana")
    claim = stored_claim(db_path)
    run("mark", claim, "false", "--by", "ben")
    run("mark", claim, "verified")  # CLAIMTRACK_USER is "tester" (conftest)
    assert [e["by"] for e in run("log", "--json")] == ["tester", "ben"]


def test_a_process_without_a_login_name_signs_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    def nobody() -> str:
        raise KeyError("getpwuid(): uid not found: 4242")

    monkeypatch.delenv("CLAIMTRACK_USER", raising=False)
    monkeypatch.setattr(getpass, "getuser", nobody)
    assert current_user() == "unknown"
    monkeypatch.setenv("CLAIMTRACK_USER", "  ")
    assert current_user() == "unknown"


def test_exports_and_the_html_report_name_who_set_each_status(
    db_path: Path, tmp_path: Path
) -> None:
    claim = stored_claim(db_path)
    run("mark", claim, "false", "--by", "ana", "--note", "port data")
    (record,) = [json.loads(line) for line in run("export", "--format", "jsonl").splitlines()]
    assert record["status_by"] == "ana" and record["status_at"]
    (row,) = csv.DictReader(io.StringIO(run("export", "--format", "csv")))
    assert (row["status"], row["status_by"]) == ("false", "ana")
    assert "| false (by ana) |" in run("export", "--format", "markdown")
    page = tmp_path / "report.html"
    run("report", "--html", str(page))
    assert "port data — ana" in page.read_text(encoding="utf-8")
