"""A verdict follows the text: a rescan that changes what a verified claim says reopens it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from claimtrack.cli import app

ARTICLE = (
    "Jobs report\n\n"
    "The minister said the programme created 47,000 new jobs in 2023.\n\n"
    "Unemployment fell to 4.1 per cent in March, the statistics office said.\n"
)


def run(*args: str) -> Any:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.stderr
    return result


def jobs_claim() -> dict[str, Any]:
    claims = json.loads(run("claims", "--json").stdout)
    return next(c for c in claims if "new jobs" in c["text"])


def test_a_changed_number_reopens_the_verdict(desk: str, tmp_path: Path) -> None:
    path = tmp_path / "jobs.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    run("scan", str(path))
    claim = jobs_claim()
    run("verify", claim["id"], "--note", "ministry figures agree")
    path.write_text(ARTICLE.replace("47,000", "90,000"), encoding="utf-8")
    run("scan", str(path))
    shown = json.loads(run("show", claim["id"], "--json").stdout)
    assert shown["status"] == "unverified" and "90,000" in shown["text"]
    [verified, edited, reopened] = shown["history"]
    assert (verified["action"], verified["after"]) == ("status", "verified")
    old = "The minister said the programme created 47,000 new jobs in 2023."
    assert edited["text_before"] == old
    assert (reopened["before"], reopened["after"]) == ("verified", "unverified")
    assert reopened["note"] == "reopened: the text changed (number 47,000 → 90,000)"
    assert "47,000" in reopened["text_before"] and "90,000" in reopened["text_after"]
    [rescan] = json.loads(run("diff", str(path), "--json").stdout)
    assert rescan["edited"] == [
        {
            "id": claim["id"],
            "before": "The minister said the programme created 47,000 new jobs in 2023.",
            "after": "The minister said the programme created 90,000 new jobs in 2023.",
            "reopened": "number 47,000 → 90,000",
        }
    ]
    table = run("diff", str(path)).stdout
    assert "47,000 new jobs" in table
    assert "→ The minister said the programme created 90,000" in table
    assert "verdict reopened: number 47,000 → 90,000" in table and "kept" in table


def test_a_fixed_typo_keeps_the_verdict(desk: str, tmp_path: Path) -> None:
    path = tmp_path / "jobs.txt"
    path.write_text(ARTICLE.replace("programme", "programe"), encoding="utf-8")
    run("scan", str(path))
    claim = jobs_claim()
    run("verify", claim["id"])
    path.write_text(ARTICLE, encoding="utf-8")
    run("scan", str(path))
    assert json.loads(run("show", claim["id"], "--json").stdout)["status"] == "verified"
    [rescan] = json.loads(run("diff", str(path), "--json").stdout)
    assert [(e["id"], e["reopened"]) for e in rescan["edited"]] == [(claim["id"], None)]


def test_an_unverified_claim_is_not_reopened(desk: str, tmp_path: Path) -> None:
    path = tmp_path / "jobs.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    run("scan", str(path))
    claim = jobs_claim()
    path.write_text(ARTICLE.replace("47,000", "90,000"), encoding="utf-8")
    run("scan", str(path))
    history = json.loads(run("history", claim["id"], "--json").stdout)
    assert [h["action"] for h in history] == ["edited"]
