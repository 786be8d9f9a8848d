"""Who decides ``checkworthy``: the extractor, and the scorer only when the extractor leaves it."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from claimtrack import Claim, hookimpl
from claimtrack.cli import app
from claimtrack.testing import run_plugins

ARTICLE = (
    "Northwind Traders cut 1,200 jobs in Leeds in 2019, the council said.\n\n"
    "Shoppers said they liked the new layout.\n\n"
    "I think Northwind is great.\n\n"
    "The weather was mild on Tuesday.\n"
)

WATCHER = '''"""Every mention of a watched company is a claim the desk wants to see."""
from claimtrack import Claim, hookimpl


@hookimpl
def claimtrack_extract_claims(article):
    for sentence in article.sentences:
        text = article.slice(sentence)
        if "Northwind" in text:
            yield Claim.from_span(article, sentence.start, sentence.end, score=0.2)
'''


class _Undecided:
    """An extractor that leaves the decision to the scorer, as the bundled one does."""

    @hookimpl
    def claimtrack_extract_claims(self, article):  # type: ignore[no-untyped-def]
        for sentence in article.sentences:
            yield Claim.from_span(article, sentence.start, sentence.end, checkworthy=None)


class _Rejecting:
    """An extractor that says its claims are not check-worthy."""

    @hookimpl
    def claimtrack_extract_claims(self, article):  # type: ignore[no-untyped-def]
        for sentence in article.sentences:
            yield Claim.from_span(article, sentence.start, sentence.end, checkworthy=False)


def test_plugins_dir_extractor_claims_are_shown_by_scan_without_all(
    db_path: Path, tmp_path: Path
) -> None:
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "watcher.py").write_text(WATCHER, encoding="utf-8")
    article = tmp_path / "northwind.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    result = CliRunner().invoke(
        app, ["scan", "--json", "--no-store", "--plugins-dir", str(plugins), str(article)]
    )
    assert result.exit_code == 0, result.output
    claims = json.loads(result.stdout)["claims"]
    watched = [c for c in claims if c["extractor"] == "watcher"]
    assert [c["text"] for c in watched] == [
        "Northwind Traders cut 1,200 jobs in Leeds in 2019, the council said.",
        "I think Northwind is great.",
    ]
    assert all(c["checkworthy"] is True for c in watched)
    # The scorer still ranks them: the score is its own, not the extractor's 0.2.
    assert all(c["score"] != 0.2 for c in watched)
    # The bundled extractor's candidates are decided by the scorer: the weather is not shown.
    assert "The weather was mild on Tuesday." not in [c["text"] for c in claims]


def test_scorer_decides_only_undecided_claims() -> None:
    undecided = run_plugins(ARTICLE, _Undecided(), "claimtrack_plugins.checkworthiness")
    assert {c.checkworthy for c in undecided.claims} == {True, False}
    assert all(c.checkworthy == (c.score >= 0.5) for c in undecided.claims)
    rejected = run_plugins(ARTICLE, _Rejecting(), "claimtrack_plugins.checkworthiness")
    assert not any(c.checkworthy for c in rejected.claims)
    assert [c.score for c in rejected.claims] == [c.score for c in undecided.claims]


def test_undecided_claims_are_decided_by_their_score_without_the_scorer() -> None:
    result = run_plugins(ARTICLE, "claimtrack_plugins.sentences")
    assert result.claims
    for claim in result.claims:
        assert claim.checkworthy == (claim.score >= 0.5)
        assert claim.to_json()["checkworthy"] is claim.checkworthy
