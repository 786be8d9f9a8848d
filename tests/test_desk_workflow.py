"""The verification desk: statuses, evidence, notes, history, undo, bulk marking and the report."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from claimtrack.cli import app
from claimtrack.store import open_store

FIXTURES = Path(__file__).parent / "fixtures"
ARTICLE = FIXTURES / "desk_pakistan_russia.txt"


def run(*args: str, input: str | None = None) -> Any:
    return CliRunner().invoke(app, list(args), input=input)


def scanned(db_path: Path | str) -> list[dict[str, Any]]:
    assert run("scan", str(ARTICLE)).exit_code == 0
    return [c.to_json() for c in open_store(db_path).claims()]


def state_of(db_path: Path | str) -> tuple[str, str]:
    """Everything stored about the claims, and the history."""
    return run("claims", "--json").stdout, run("log", "--json").stdout


# -- statuses -----------------------------------------------------------------------------------


def test_default_vocabulary_rejects_unknown_status_listing_valid_ones(desk: str) -> None:
    claim = scanned(desk)[0]
    result = run("mark", claim["id"], "--to", "bogus")
    assert result.exit_code == 2
    assert "unknown status 'bogus'" in result.stderr
    assert "in progress" in result.stderr and "unverifiable" in result.stderr
    assert open_store(desk).claim(claim["id"]).status == "unverified"


def test_config_defines_vocabulary_colours_and_ratings(db_path: Path) -> None:
    claim = scanned(db_path)[0]
    (db_path / "config.toml").write_text(
        '[statuses.correct]\ncolour = "green"\nrating = 3\nlabel = "Correct"\n'
        '[statuses.wrong]\ncolour = "red"\nrating = 1\n[rating]\nbest = 3\n',
        encoding="utf-8",
    )
    config = open_store(db_path).config
    assert config.names == ("unverified", "correct", "wrong")
    assert config.status("wrong").label == "Wrong"
    assert config.colours["correct"] == "green"
    assert run("mark", claim["id"], "--to", "correct").exit_code == 0
    assert run("verify", claim["id"]).exit_code == 2  # "verified" is not in this vocabulary


def test_malformed_config_is_one_line(db_path: Path) -> None:
    claim = scanned(db_path)[0]
    (db_path / "config.toml").write_text("[statuses\n", encoding="utf-8")
    result = run("verify", claim["id"])
    assert result.exit_code == 2
    assert "config.toml is not valid TOML" in result.stderr


# -- evidence and notes ---------------------------------------------------------------------------


def test_evidence_and_notes_show_with_history(desk: str, tmp_path: Path) -> None:
    claim = scanned(desk)[0]
    document = tmp_path / "minutes.pdf"
    document.write_bytes(b"%PDF")
    url = "https://tass.com/world/770000"
    args = ["--title", "Interview", "--publisher", "TASS", "--date", "2015-01-16"]
    assert run("evidence", claim["id"], url, *args, "--stance", "supports").exit_code == 0
    assert run("evidence", claim["id"], str(document), "--stance", "context").exit_code == 0
    assert run("note", claim["id"], "Ask the Foreign Office for the transcript").exit_code == 0
    shown = json.loads(run("show", claim["id"][:6], "--json").stdout)
    first, second = shown["evidence"]
    assert first | {"id": None} == {
        "id": None, "kind": "url", "url": url, "title": "Interview", "publisher": "TASS",
        "date": "2015-01-16", "stance": "supports",
    }  # fmt: skip
    assert second["file"] == str(document.resolve())
    assert shown["notes"][0]["text"] == "Ask the Foreign Office for the transcript"
    assert [h["action"] for h in shown["history"]] == ["evidence", "evidence", "note"]
    assert all(h["by"] == "tester" for h in shown["history"])
    table = run("show", claim["id"]).stdout
    assert "[supports] https://tass.com/world/770000" in table and "Ask the Foreign" in table


@pytest.mark.parametrize(
    "target", ["not a url", "ftp://example.org/x", "missing/file.txt", "~nosuchuserzz/x.txt"]
)
def test_evidence_that_is_not_a_url_is_rejected(desk: str, target: str) -> None:
    claim = scanned(desk)[0]
    before = state_of(desk)
    result = run("evidence", claim["id"], target)
    assert result.exit_code != 0
    assert result.stderr.count("\n") == 1 and "neither an http(s) URL" in result.stderr
    assert state_of(desk) == before


def test_bad_evidence_stance_and_date_are_rejected(desk: str) -> None:
    claim = scanned(desk)[0]
    url = "https://example.org/a"
    assert run("evidence", claim["id"], url, "--stance", "maybe").exit_code == 2
    assert run("evidence", claim["id"], url, "--date", "yesterday").exit_code == 2


def test_unknown_and_ambiguous_ids_change_nothing(desk: str) -> None:
    claims = scanned(desk)
    before = state_of(desk)
    result = run("verify", claims[0]["id"], "ffffffff")
    assert result.exit_code == 1 and "no claim with id ffffffff" in result.stderr
    assert state_of(desk) == before
    assert run("show", "zz").exit_code == 1


def test_ambiguous_prefix_is_reported(db_path: Path) -> None:
    claim = scanned(db_path)[0]
    twin = claim["id"][:4] + "0" * 8 if claim["id"][4] != "0" else claim["id"][:4] + "f" * 8
    with sqlite3.connect(db_path / "claimtrack.sqlite") as conn:
        conn.execute("INSERT INTO claim_ids VALUES (?, 'x')", (twin,))
    result = run("show", claim["id"][:4])
    assert result.exit_code == 1
    assert f"claim id {claim['id'][:4]} is ambiguous" in result.stderr
    assert run("show", claim["id"][:5]).exit_code == 0


# -- history, log, undo, as-of ---------------------------------------------------------------


def test_every_change_is_recorded_with_who_when_from_to_why(desk: str) -> None:
    claim = scanned(desk)[0]
    run("mark", claim["id"], "--to", "in progress", "--by", "amina")
    run("verify", claim["id"], "--note", "Confirmed with TASS")
    entries = json.loads(run("history", claim["id"], "--json").stdout)
    assert [(e["by"], e["before"], e["after"], e["note"]) for e in entries] == [
        ("amina", "unverified", "in progress", None),
        ("tester", "in progress", "verified", "Confirmed with TASS"),
    ]
    assert all(e["at"] for e in entries)
    log = json.loads(run("log", "--json").stdout)
    assert [e["after"] for e in log] == ["verified", "in progress"]  # newest first


def test_undo_names_the_change_and_the_claim_it_undoes(desk: str) -> None:
    first, second = scanned(desk)[:2]
    run("verify", first["id"])
    run("note", second["id"], "called the ministry")
    run("evidence", second["id"], "https://example.org/transcript")
    name = {c["id"]: f"{c['id'][:8]} “{c['claim'][:20]}" for c in (first, second)}
    evidence = run("undo").stdout
    assert evidence.startswith("undid the evidence https://example.org/transcript on ")
    assert name[second["id"]] in evidence
    note = run("undo").stdout
    assert note.startswith(f"undid the note “called the ministry” on {name[second['id']]}")
    status = run("undo", first["id"][:6]).stdout
    assert status.startswith(f"undid the status change of {name[first['id']]}")
    assert status.rstrip().endswith("(verified → unverified)")


def test_undo_reverses_the_last_change_and_is_recorded(desk: str) -> None:
    first, second = scanned(desk)[:2]
    run("verify", first["id"])
    run("dispute", second["id"])
    run("note", first["id"], "to be removed")
    assert run("undo").exit_code == 0  # the note
    assert open_store(desk).claim(first["id"]).notes == ()
    assert run("undo").exit_code == 0  # the dispute
    assert open_store(desk).claim(second["id"]).status == "unverified"
    assert run("undo", first["id"]).exit_code == 0  # the verification
    assert open_store(desk).claim(first["id"]).status == "unverified"
    assert run("undo").exit_code == 2  # nothing left
    history = open_store(desk).history(second["id"])
    assert [h.action for h in history] == ["status", "undo"]
    assert history[1].details["undoes"] == history[0].id
    assert (history[1].before, history[1].after) == ("disputed", "unverified")
    summary = open_store(desk).summary()
    assert set(summary.statuses) == {"unverified"}  # catalog counts follow the undo


def test_report_as_of_shows_verdicts_as_they_stood(
    desk: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from claimtrack.store import documents

    clock = {"now": "2024-01-01T10:00:00+00:00"}
    monkeypatch.setattr(documents, "now", lambda: clock["now"])
    claim = scanned(desk)[0]
    clock["now"] = "2024-02-15T10:00:00+00:00"
    run("verify", claim["id"])
    clock["now"] = "2024-03-01T10:00:00+00:00"
    run("mark", claim["id"], "--to", "false")

    def status_on(day: str) -> str:
        found = json.loads(run("report", "--as-of", day, "--json").stdout)["claims"]
        return {c["id"]: c["status"] for c in found}[claim["id"]]

    assert status_on("2024-02-01") == "unverified"
    assert status_on("2024-02-20") == "verified"
    assert status_on("2024-03-01") == "false"
    assert open_store(desk).claim(claim["id"]).status == "false"
    before = json.loads(run("report", "--as-of", "2023-12-31", "--json").stdout)
    assert before["claims"] == []
    assert run("report", "--as-of", "last week").exit_code == 2


def test_report_as_of_lists_the_claims_of_the_latest_articles_only(desk: str) -> None:
    claims = scanned(desk)
    assert run("scan", str(FIXTURES / "desk_steel_mills.txt")).exit_code == 0
    everything = json.loads(run("report", "--as-of", "2999-01-01", "--json").stdout)["claims"]
    assert len(everything) > len(claims)
    shown = run("report", "--as-of", "2999-01-01", "--limit", "1")
    assert "claims of the latest 1 of 2 articles" in shown.stdout
    assert claims[0]["id"][:8] not in shown.stdout
    assert re.search(rf"total\s+│\s+{len(everything)}\s", shown.stdout)  # counts cover all


# -- bulk ---------------------------------------------------------------------------------------


def test_bulk_mark_by_filter_asks_and_yes_skips_the_prompt(desk: str) -> None:
    claims = scanned(desk)
    assert len(claims) > 5
    declined = run("mark", "--where-status", "unverified", "--to", "in progress", input="n\n")
    assert declined.exit_code != 0
    assert open_store(desk).summary().statuses == {"unverified": len(claims)}
    accepted = run("mark", "--where-status", "unverified", "--to", "in progress", input="y\n")
    assert accepted.exit_code == 0 and "Mark" in accepted.stdout
    assert open_store(desk).summary().statuses == {"in progress": len(claims)}
    scripted = run("verify", "--status", "in progress", "--type", claims[0]["type"], "--yes")
    assert scripted.exit_code == 0
    typed = sum(1 for c in claims if c["type"] == claims[0]["type"])
    assert open_store(desk).summary().statuses.get("verified") == typed


def test_bulk_by_ids_and_article_filter(desk: str) -> None:
    claims = scanned(desk)
    ids = [c["id"][:6] for c in claims[:3]]
    assert run("dispute", *ids).exit_code == 0  # a handful: no prompt
    assert open_store(desk).summary().statuses["disputed"] == 3
    article = claims[0]["article"]
    assert run("mark", "--article", article[:6], "--to", "false", "--yes").exit_code == 0
    assert open_store(desk).summary().statuses == {"false": len(claims)}
    assert run("mark", "--to", "false").exit_code == 2  # neither ids nor a filter
    assert run("verify", "--speaker", "nobody at all").exit_code == 2  # nothing matches


# -- report -------------------------------------------------------------------------------------


def test_report_dashboard_counts_waiting_and_recent(desk: str) -> None:
    claims = scanned(desk)
    run("dispute", claims[1]["id"])
    report = json.loads(run("report", "--json", "--limit", "3").stdout)
    assert report["summary"]["statuses"] == {"disputed": 1, "unverified": len(claims) - 1}
    assert report["awaiting_total"] == len(claims) - 1 and len(report["awaiting"]) == 3
    assert report["recent"][0]["after"] == "disputed"
    assert len(report["articles"]) == 1
    shown = run("report")
    assert shown.exit_code == 0
    assert "Awaiting review" in shown.stdout and "Recent changes" in shown.stdout


def _quoted_article(db_path: Path | str) -> list[dict[str, Any]]:
    """Three claims by two named speakers, stored through the Store API."""
    from claimtrack.model import Claim, ScanResult, Speaker
    from claimtrack.text import make_article

    sentences = [
        ("Exports rose 40% last year, Dar said.", "Ishaq Dar"),
        ("Inflation fell to 3%, Dar said.", "Ishaq Dar"),
        ("The dam will open in May, Aslam said.", "Tasnim Aslam"),
    ]
    text = " ".join(s for s, _ in sentences)
    article = make_article(text, "-")
    claims, at = [], 0
    for sentence, name in sentences:
        end = at + len(sentence)
        claims.append(
            Claim.from_span(article, at, end, score=0.9, checkworthy=True, speaker=Speaker(name))
        )
        at = end + 1
    open_store(db_path).save_scans([ScanResult(article=article, claims=tuple(claims))])
    return [c.to_json() for c in open_store(db_path).claims()]


def test_dashboard_ranks_disputed_speakers(desk: str) -> None:
    claims = _quoted_article(desk)
    assert run("mark", "--speaker", "dar", "--to", "false").exit_code == 0  # two: no prompt
    assert run("dispute", "--speaker", "Aslam").exit_code == 0
    overview = open_store(desk).dashboard(limit=5)
    assert overview.speakers == (("Ishaq Dar", 2), ("Tasnim Aslam", 1))
    assert overview.awaiting_total == 0
    assert {c.status for c in open_store(desk).claims()} == {"false", "disputed"}
    assert len(claims) == 3
    assert "Ishaq Dar" in run("report").stdout


def test_an_article_scanned_by_mistake_is_removed_its_history_kept(desk: str) -> None:
    claims = scanned(desk)
    run("verify", claims[0]["id"], "--note", "checked before the mistake was seen")
    article = claims[0]["article"]
    declined = run("articles", "remove", article[:6], input="n\n")
    assert declined.exit_code == 1 and len(open_store(desk).articles()) == 1
    removed = run("articles", "remove", article[:6], "--yes")
    assert removed.exit_code == 0, removed.stderr
    assert removed.stdout.startswith(f"removed {article[:8]} ")
    assert "1 with a verdict" in removed.stdout
    store = open_store(desk)
    assert store.articles() == [] and store.claims() == []
    assert run("show", claims[0]["id"]).exit_code == 1
    log = json.loads(run("log", "--json", "--limit", "100").stdout)
    assert {e["claim"] for e in log if e["action"] == "removed"} == {c["id"] for c in claims}
    assert any(e.get("note") == "checked before the mistake was seen" for e in log)
    assert run("search", "Shoigu").stdout.startswith("No stored claim")
    assert run("scan", str(ARTICLE)).exit_code == 0  # scanned again: a new, clean article
