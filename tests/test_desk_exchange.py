"""Exports (JSON Lines, CSV, Markdown, ClaimReview, plugin formats) and ClaimReview imports."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from claimtrack.cli import app
from claimtrack.exchange import spreadsheet_safe
from claimtrack.store import Filters, open_store

FIXTURES = Path(__file__).parent / "fixtures"
ARTICLE = FIXTURES / "desk_pakistan_russia.txt"
STEEL = "Pakistan Steel Mills were built with Soviet help in the 1970s"
CONFIG = """
[organisation]
name = "Desk Checks"
url = "https://checks.example.org"
"""


def run(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


def checked(db_path: Path | str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The example article scanned, one claim verified and one disputed."""
    assert run("scan", str(ARTICLE)).exit_code == 0
    db_path.joinpath("config.toml").write_text(CONFIG, encoding="utf-8")
    claims = [c.to_json() for c in open_store(db_path).claims()]
    [true] = [c for c in claims if "Shoigu" in c["text"]]
    [contested] = [c for c in claims if "zero sum" in c["text"]]
    assert run("verify", true["id"]).exit_code == 0
    assert run("dispute", contested["id"]).exit_code == 0
    return true, contested


def test_claimreview_export_has_every_field(db_path: Path, tmp_path: Path) -> None:
    true, contested = checked(db_path)
    output = tmp_path / "reviews.jsonld"
    assert run("export", "--format", "claimreview", "--output", str(output)).exit_code == 0
    reviews = json.loads(output.read_text(encoding="utf-8"))
    by_claim = {r["url"].rsplit("/", 1)[1]: r for r in reviews}
    assert set(by_claim) == {true["id"], contested["id"]}  # unverified claims are no verdicts
    for claim, label, value in ((true, "True", 5), (contested, "Disputed", 3)):
        review = by_claim[claim["id"]]
        assert review["@context"] == "https://schema.org" and review["@type"] == "ClaimReview"
        assert review["url"] == f"https://checks.example.org/claims/{claim['id']}"
        assert (
            review["datePublished"] == (open_store(db_path).claim(claim["id"]).updated or "")[:10]
        )
        assert review["author"] == {
            "@type": "Organization", "name": "Desk Checks", "url": "https://checks.example.org",
        }  # fmt: skip
        assert review["claimReviewed"] == claim["claim"]
        assert review["reviewRating"] == {
            "@type": "Rating", "alternateName": label, "ratingValue": value,
            "bestRating": 5, "worstRating": 1,
        }  # fmt: skip
        item = review["itemReviewed"]
        assert item["@type"] == "Claim"
        assert item["author"]["name"]
        assert item["datePublished"] == "2015-01-17"
        assert item["appearance"]["url"].startswith("file://")
        assert item["appearance"]["url"].endswith("desk_pakistan_russia.txt")


def test_claimreview_author_is_the_speaker(desk: str) -> None:
    from claimtrack.config import Config
    from claimtrack.exchange import claimreview

    record = {
        "id": "abc", "article": "a1", "status": "false", "claim": "X rose 5%", "text": "X rose",
        "speaker": {"name": "Tasnim Aslam"}, "updated": "2024-05-01T00:00:00+00:00",
    }  # fmt: skip
    review = claimreview(record, {"url": "https://news.example/x"}, Config())
    assert review is not None
    assert review["itemReviewed"]["author"] == {"@type": "Person", "name": "Tasnim Aslam"}
    assert review["itemReviewed"]["appearance"]["url"] == "https://news.example/x"
    assert review["reviewRating"]["alternateName"] == "False"


def test_jsonl_and_filters(db_path: Path) -> None:
    true, _ = checked(db_path)
    lines = run("export", "--format", "jsonl", "--status", "verified").stdout.splitlines()
    assert [json.loads(line)["id"] for line in lines] == [true["id"]]
    everything = run("export").stdout.splitlines()
    assert len(everything) == len(open_store(db_path).claims())


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_spreadsheet_formulas_are_neutralised(value: str) -> None:
    assert spreadsheet_safe(value) == "'" + value
    assert spreadsheet_safe("plain") == "plain"


def test_csv_export_is_safe_and_complete(db_path: Path) -> None:
    true, _ = checked(db_path)
    run("note", true["id"], '=HYPERLINK("http://evil.example","click")')
    rows = list(csv.DictReader(io.StringIO(run("export", "--format", "csv").stdout)))
    assert len(rows) == len(open_store(db_path).claims())
    [row] = [r for r in rows if r["id"] == true["id"]]
    assert row["notes"].startswith("'=HYPERLINK")
    assert row["status"] == "verified"


def test_markdown_export_escapes_pipes(db_path: Path) -> None:
    true, _ = checked(db_path)
    run("evidence", true["id"], "https://example.org/a|b")
    text = run("export", "--format", "markdown").stdout
    assert text.startswith("| id | status |")
    assert "<https://example.org/a\\|b>" in text


def test_exports_carry_article_notes_and_evidence_stance(db_path: Path) -> None:
    true, _ = checked(db_path)
    run("note", true["id"], "TASS transcript checked")
    run("evidence", true["id"], "https://example.org/tass", "--stance", "supports")
    run("evidence", true["id"], "https://example.org/denial", "--stance", "refutes")
    rows = list(csv.DictReader(io.StringIO(run("export", "--format", "csv").stdout)))
    [row] = [r for r in rows if r["id"] == true["id"]]
    assert row["article_title"] == "Pakistan wants stronger ties with Russia, says Foreign Office"
    assert row["article_published"] == "2015-01-17" and row["article_url"] == ""
    assert row["notes"] == "TASS transcript checked"
    assert row["evidence"] == (
        "supports: https://example.org/tass; refutes: https://example.org/denial"
    )
    text = run("export", "--format", "markdown").stdout
    assert text.startswith("| id | status | type | speaker | claim | article | notes | evidence |")
    [line] = [line for line in text.splitlines() if line.startswith(f"| {true['id'][:8]} ")]
    assert "| Pakistan wants stronger ties with Russia, says Foreign Office (2015-01-17) |" in line
    assert "| TASS transcript checked |" in line
    assert "supports <https://example.org/tass>, refutes <https://example.org/denial>" in line
    record = json.loads(run("export", "--format", "jsonl").stdout.splitlines()[0])
    assert record["article_title"].startswith("Pakistan wants stronger ties")


def test_plugin_exporter(db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    checked(db_path)
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    plugins.joinpath("count_export.py").write_text(
        "from claimtrack import hookimpl\n\n"
        "def _count(records, stream):\n"
        "    stream.write(f'{len(list(records))} claims\\n')\n\n"
        "@hookimpl\n"
        "def claimtrack_exporters():\n"
        "    return {'count': _count}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("CLAIMTRACK_PLUGINS_DIR", str(plugins))
    result = run("export", "--format", "count")
    assert result.exit_code == 0
    assert result.stdout == f"{len(open_store(db_path).claims())} claims\n"
    unknown = run("export", "--format", "xml")
    assert unknown.exit_code == 2 and "count" in unknown.stderr


def partner_reviews(folder: Path) -> Path:
    """This desk's ClaimReview export as another fact-checker would publish the same verdicts."""
    reviews = folder / "reviews.jsonld"
    run("export", "--format", "claimreview", "--output", str(reviews))
    published = json.loads(reviews.read_text(encoding="utf-8"))
    for n, review in enumerate(published):
        review["url"] = f"https://partner.example/reviews/{n}"
    reviews.write_text(json.dumps(published), encoding="utf-8")
    return reviews


def test_import_attaches_known_verdicts(db_path: Path, tmp_path: Path) -> None:
    true, contested = checked(db_path)
    reviews = partner_reviews(tmp_path)
    for claim in (true, contested):
        run("undo", claim["id"])
    result = run("import", str(reviews), "--set-status", "--by", "importer")
    assert result.exit_code == 0, result.stderr
    assert "2 claims matched" in result.stdout
    store = open_store(db_path)
    assert store.claim(true["id"]).status == "verified"
    assert store.claim(contested["id"]).status == "disputed"
    evidence = store.claim(true["id"]).evidence[-1]
    assert evidence.kind == "claimreview" and evidence.stance == "supports"
    assert evidence.publisher == "Desk Checks"
    history = store.history(true["id"])
    assert (history[-1].action, history[-1].by) == ("import", "importer")
    assert store.summary().statuses["verified"] == 1


def test_importing_the_same_file_twice_adds_nothing_new(db_path: Path, tmp_path: Path) -> None:
    true, _ = checked(db_path)
    reviews = partner_reviews(tmp_path)
    assert run("import", str(reviews)).exit_code == 0
    held = open_store(db_path).claim(true["id"]).evidence
    again = run("import", str(reviews))
    assert again.exit_code == 0 and "0 claims matched" in again.stdout
    assert open_store(db_path).claim(true["id"]).evidence == held


def test_importing_this_desks_own_export_is_skipped(db_path: Path, tmp_path: Path) -> None:
    true, _ = checked(db_path)
    own = tmp_path / "own.jsonld"
    run("export", "--format", "claimreview", "--output", str(own))
    result = run("import", str(own))
    assert result.exit_code == 0
    assert "2 of this desk's own reviews skipped" in result.stdout
    assert open_store(db_path).claim(true["id"]).evidence == ()


def test_import_without_set_status_keeps_statuses(desk: str, tmp_path: Path) -> None:
    reviews = tmp_path / "reviews.json"
    reviews.write_text(
        json.dumps(
            {
                "@context": "https://schema.org",
                "@type": "DataFeed",
                "dataFeedElement": [
                    {
                        "@type": "ClaimReview",
                        "claimReviewed": STEEL,
                        "reviewRating": {
                            "@type": "Rating",
                            "ratingValue": 1,
                            "alternateName": "False",
                        },
                        "author": {"@type": "Organization", "name": "Other Checker"},
                        "url": "https://other.example/review/1",
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    run("scan", str(ARTICLE))
    assert run("import", str(reviews)).exit_code == 0
    [steel] = [c for c in open_store(desk).claims(Filters()) if "Steel Mills" in c.text]
    assert steel.status == "unverified"
    assert steel.evidence[0].stance == "refutes"
    assert steel.evidence[0].target == "https://other.example/review/1"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"@type": "ClaimReview", ', "is not valid JSON"),
        ('{"@type": "WebPage"}', "holds no ClaimReview"),
        ('[{"@type": "ClaimReview", "claimReviewed": "x"}]', "has no reviewRating"),
        (
            '{"@type": "ClaimReview", "claimReviewed": "x", "reviewRating": {"ratingValue": "hi"}}',
            "is not a number",
        ),
    ],
)
def test_malformed_import_writes_nothing(
    desk: str, tmp_path: Path, content: str, message: str
) -> None:
    run("scan", str(ARTICLE))
    before = run("claims", "--json").stdout, run("log", "--json").stdout
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    result = run("import", str(bad))
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and message in result.stderr
    assert (run("claims", "--json").stdout, run("log", "--json").stdout) == before
