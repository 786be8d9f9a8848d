"""Deciding on contradictions: confirm, dismiss and reopen, rescans, stale ones, CLI and report."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from claimtrack.cli import app
from claimtrack.errors import StoreError, UsageError
from claimtrack.model import PluginFailure, ScanResult
from claimtrack.store import ContradictionRecord, Store, open_store
from claimtrack.store.contradictions import _resolve_contradiction

FIXTURES = Path(__file__).parent / "fixtures"
ARTICLE = FIXTURES / "desk_pakistan_russia.txt"
ZERO_SUM = "We consider the foreign policy to be a ‘zero sum game’."
NO_HARM = "can in no way harm Pakistan’s"


def run(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


@pytest.fixture
def article(tmp_path: Path) -> Path:
    """A copy of the example article that a test may edit and rescan under the same name."""
    path = tmp_path / "article.txt"
    shutil.copy(ARTICLE, path)
    return path


@pytest.fixture
def wide(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI's console made wide enough that a statement is printed on one line."""
    from rich.console import Console

    console = Console(highlight=False, width=400)
    monkeypatch.setattr("claimtrack.terminal.stdout", lambda: console)


def scan(path: Path) -> dict[str, Any]:
    result = run("scan", str(path), "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def zero_sum_pair(store: Store) -> ContradictionRecord:
    """The stored contradiction between "zero sum game" and "can in no way harm"."""
    (found,) = [
        c
        for c in store.select_contradictions(include_stale=True)
        if ZERO_SUM in (c.a.text or "") and NO_HARM in (c.b.text or "")
    ]
    return found


# -- the store ----------------------------------------------------------------------------------


def test_decision_is_kept_with_who_when_and_note_and_in_the_history(
    desk: str, article: Path
) -> None:
    scan(article)
    store = open_store(desk)
    pair = zero_sum_pair(store)
    assert pair.decision is None and pair.stale is False
    (entry,) = store.decide_contradictions(
        [pair.id[:6]], "confirmed", note="both in one quote", by="ana"
    )
    assert entry.action == "contradiction decided"
    assert (entry.details["previous"], entry.details["decision"]) == (None, "confirmed")
    assert (entry.details["contradiction"], entry.claim) == (pair.id, pair.id)
    assert tuple(entry.details["claims"]) == pair.claims and entry.details["kind"] == "frame"
    decided = zero_sum_pair(store)
    assert decided.decision == "confirmed"
    assert decided.decision_note == "both in one quote"
    assert decided.decided_by == "ana" and decided.decided_at == entry.at
    assert store.log(limit=1) == [entry]
    history = store.contradictions(pair.article)
    assert [c.decision for c in history if c.id == pair.id] == ["confirmed"]


def test_decisions_change_no_claim_and_cannot_be_undone_as_claim_changes(
    desk: str, article: Path
) -> None:
    scan(article)
    store = open_store(desk)
    before = store.claims()
    store.decide_contradictions([zero_sum_pair(store).id], "dismissed", by="ana")
    assert store.claims() == before
    assert {c.status for c in store.claims_as_of("2999-01-01T00:00:00+00:00")} == {"unverified"}
    with pytest.raises(UsageError, match="nothing to undo"):
        store.undo()


def test_reopening_takes_the_decision_back_and_keeps_both_in_the_history(
    desk: str, article: Path
) -> None:
    scan(article)
    store = open_store(desk)
    pair_id = zero_sum_pair(store).id
    store.decide_contradictions([pair_id], "dismissed", note="rhetoric", by="ana")
    (entry,) = store.decide_contradictions([pair_id], "open", by="ben")
    assert (entry.details["previous"], entry.details["decision"]) == ("dismissed", None)
    assert zero_sum_pair(store).decision is None
    assert [e.details["decision"] for e in store.log()] == [None, "dismissed"]


def test_rescanning_the_same_text_keeps_the_decision(desk: str, article: Path) -> None:
    scan(article)
    store = open_store(desk)
    pair_id = zero_sum_pair(store).id
    store.decide_contradictions([pair_id], "confirmed", note="real", by="ana")
    record = scan(article)
    assert pair_id in {c["id"] for c in record["contradictions"]}
    kept = zero_sum_pair(store)
    assert (kept.id, kept.decision, kept.decision_note) == (pair_id, "confirmed", "real")
    assert kept.stale is False
    assert len(store.select_contradictions()) == 3  # nothing added twice


def test_rescanning_lightly_edited_text_keeps_the_decision_and_moves_the_spans(
    desk: str, article: Path
) -> None:
    scan(article)
    store = open_store(desk)
    pair = zero_sum_pair(store)
    store.decide_contradictions([pair.id], "confirmed", note="real", by="ana")
    text = article.read_text(encoding="utf-8")
    edited = text.replace("Our aim is to develop", "Our aim has long been to develop").replace(
        "relations with Russia and vice versa", "ties with Russia and vice versa"
    )
    assert edited != text
    article.write_text(edited, encoding="utf-8")
    printed = scan(article)
    kept = zero_sum_pair(store)
    assert (kept.id, kept.decision, kept.stale) == (pair.id, "confirmed", False)
    assert kept.id in {c["id"] for c in printed["contradictions"]}  # scan prints stored ids
    assert kept.a.start == pair.a.start + len(" has long been") - len(" is")
    assert "ties with Russia" in kept.b.text
    stored = open_store(desk).article(kept.article).text or ""
    assert stored[kept.b.start : kept.b.end] == kept.b.text


def test_a_contradiction_no_longer_found_is_marked_stale_then_live_again(
    desk: str, article: Path
) -> None:
    original = article.read_text(encoding="utf-8")
    scan(article)
    store = open_store(desk)
    pair_id = zero_sum_pair(store).id
    store.decide_contradictions([pair_id], "confirmed", note="real", by="ana")

    article.write_text(original.replace("can in no way harm", "may well strain"), "utf-8")
    record = scan(article)
    assert pair_id not in {c["id"] for c in record["contradictions"]}
    stale = zero_sum_pair(store)
    assert stale.stale is True and stale.decision == "confirmed"
    assert pair_id not in {c.id for c in store.select_contradictions()}
    assert pair_id not in {c.id for c in store.select_contradictions(decision="confirmed")}
    latest = store.log(limit=1)[0]
    assert (latest.action, latest.details["contradiction"]) == ("contradiction stale", pair_id)

    article.write_text(original, "utf-8")
    scan(article)
    back = zero_sum_pair(store)
    assert (back.stale, back.decision, back.decision_note) == (False, "confirmed", "real")
    assert store.log(limit=1)[0].action == "contradiction found again"


def test_a_scan_in_which_a_plugin_failed_marks_nothing_stale(desk: str) -> None:
    from claimtrack.pipeline import scan_source
    from claimtrack.plugins import load_plugins

    result = scan_source(load_plugins(), str(ARTICLE))
    store = open_store(desk)
    store.save_scans([result])
    assert len(store.select_contradictions()) == 3
    failed = ScanResult(
        article=result.article,
        claims=result.claims,
        errors=(PluginFailure("contradictions", "boom", stage="relate"),),
    )
    store.save_scans([failed])
    assert len(store.select_contradictions()) == 3
    store.save_scans([ScanResult(article=result.article, claims=result.claims)])
    assert store.select_contradictions() == []
    assert len(store.select_contradictions(include_stale=True)) == 3


@pytest.mark.parametrize(
    "how",
    [("--disable", "contradictions"), ("--plugins-dir", "broken")],
    ids=["contradiction plugin disabled", "a plugin failed to load"],
)
def test_a_rescan_that_did_not_look_for_contradictions_keeps_them(
    desk: str, article: Path, how: tuple[str, str]
) -> None:
    scan(article)
    store = open_store(desk)
    pair = zero_sum_pair(store)
    store.decide_contradictions([pair.id], "confirmed", note="real")
    option, value = how
    if value == "broken":
        (article.parent / "broken").mkdir()
        (article.parent / "broken" / "bad.py").write_text("import claimtrack_no_such_module\n")
        value = str(article.parent / "broken")
    run("scan", str(article), "--json", option, value)
    kept = zero_sum_pair(store)
    assert (kept.stale, kept.decision, kept.decision_note) == (False, "confirmed", "real")
    assert len(store.select_contradictions()) == 3


def test_a_contradiction_whose_claim_is_gone_goes_stale_even_when_a_plugin_failed(
    desk: str, article: Path
) -> None:
    scan(article)
    store = open_store(desk)
    pair = zero_sum_pair(store)
    text = article.read_text(encoding="utf-8")
    article.write_text("A new opening paragraph.\n\n" + text.replace(ZERO_SUM, ""), "utf-8")
    (article.parent / "broken").mkdir()
    (article.parent / "broken" / "bad.py").write_text("import claimtrack_no_such_module\n")
    assert (
        run(
            "scan", str(article), "--json", "--plugins-dir", str(article.parent / "broken")
        ).exit_code
        == 3
    )
    assert zero_sum_pair(store).id == pair.id and zero_sum_pair(store).stale
    stored = store.article(pair.article).text or ""
    for live in store.select_contradictions():
        for side in ("a", "b"):
            span = getattr(live, side)
            assert stored[span.start : span.end] == span.text


def test_the_same_decision_again_without_a_note_keeps_the_note(desk: str, article: Path) -> None:
    scan(article)
    store = open_store(desk)
    pair = zero_sum_pair(store)
    store.decide_contradictions([pair.id], "confirmed", note="real")
    store.decide_contradictions([pair.id], "confirmed")
    assert zero_sum_pair(store).decision_note == "real"
    store.decide_contradictions([pair.id], "dismissed")
    assert zero_sum_pair(store).decision_note is None


def test_select_filters_by_article_kind_and_decision(desk: str, article: Path) -> None:
    scan(article)
    other = article.with_name("other.txt")
    other.write_text("A quiet article. Nothing contradicts anything here.\n", "utf-8")
    scan(other)
    store = open_store(desk)
    everything = store.select_contradictions()
    assert len(everything) == 3 and {c.kind for c in everything} == {"frame"}
    assert {s.speaker for c in everything for s in (c.a, c.b)} == {"Tasnim Aslam"}
    assert all(c.source == str(article.resolve()) for c in everything)
    assert store.select_contradictions(article=str(other)) == []
    assert len(store.select_contradictions(article=everything[0].article[:6])) == 3
    assert store.select_contradictions(kind="date") == []
    store.decide_contradictions([everything[0].id], "dismissed", by="ana")
    assert [c.id for c in store.select_contradictions(decision="dismissed")] == [everything[0].id]
    assert len(store.select_contradictions(decision="open")) == 2
    with pytest.raises(UsageError, match="unknown decision 'maybe'"):
        store.select_contradictions(decision="maybe")


def test_listing_reads_only_the_articles_the_catalog_counts_contradictions_for(
    db_path: Path, article: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from claimtrack.store.engine import Session

    scan(article)
    other = article.with_name("other.txt")
    other.write_text("A quiet article. Nothing contradicts anything here.\n", "utf-8")
    scan(other)
    store = open_store(db_path)
    catalog = {a.source: a for a in store.articles()}
    assert {source: a.contradictions for source, a in catalog.items()} == {
        str(article.resolve()): 3,
        str(other.resolve()): 0,
    }
    read: list[str] = []
    real = Session.peek
    monkeypatch.setattr(Session, "peek", lambda s, name: read.append(name) or real(s, name))
    assert len(store.select_contradictions()) == 3
    with_pairs = catalog[str(article.resolve())].id
    assert [r for r in read if r.startswith("article/")] == [f"article/{with_pairs}"]


def test_unknown_or_bad_ids_change_nothing(desk: str, article: Path) -> None:
    scan(article)
    store = open_store(desk)
    pair_id = zero_sum_pair(store).id
    with pytest.raises(StoreError, match="no contradiction with id ffffffff"):
        store.decide_contradictions([pair_id, "ffffffff"], "confirmed", by="ana")
    with pytest.raises(StoreError, match="not a contradiction id"):
        store.decide_contradictions(["zz"], "confirmed", by="ana")
    with pytest.raises(UsageError, match="unknown decision"):
        store.decide_contradictions([pair_id], "accepted", by="ana")
    assert zero_sum_pair(store).decision is None
    assert store.log() == []


def test_an_ambiguous_prefix_names_the_candidates() -> None:
    known = {"abcd12345678": "a1", "abcd98765432": "a2"}
    with pytest.raises(StoreError, match="ambiguous: abcd12345678, abcd98765432"):
        _resolve_contradiction(known, "abcd")
    assert _resolve_contradiction(known, "ABCD9") == ("abcd98765432", "a2")


# -- the command line ---------------------------------------------------------------------------


def test_cli_lists_confirms_and_dismisses_several_at_once(desk: str, article: Path) -> None:
    scan(article)
    listed = json.loads(run("contradictions", "--json").stdout)
    assert len(listed) == 3
    pair = next(c for c in listed if NO_HARM in c["b"]["text"])
    others = [c["id"][:8] for c in listed if c["id"] != pair["id"]]

    shown = run("contradictions", "confirm", pair["id"][:8], "--note", "same quote", "--by", "ana")
    assert shown.exit_code == 0, shown.stderr
    assert shown.stdout.strip() == f"{pair['id'][:8]} (frame): open → confirmed"
    dismissed = run("contradictions", "dismiss", *others, "--by", "ben", "--json")
    assert dismissed.exit_code == 0
    entries = json.loads(dismissed.stdout)
    assert [e["decision"] for e in entries] == ["dismissed", "dismissed"]
    assert {e["by"] for e in entries} == {"ben"}

    confirmed = json.loads(run("contradictions", "--decision", "confirmed", "--json").stdout)
    assert [(c["id"], c["decision_note"]) for c in confirmed] == [(pair["id"], "same quote")]
    assert json.loads(run("contradictions", "--open", "--json").stdout) == []
    assert run("contradictions", "--open").stdout.strip() == "no contradictions match"
    table = run("contradictions", "--kind", "frame").stdout
    assert pair["id"][:8] in table and "confirmed" in table and "dismissed" in table
    assert "Tasnim" in table


def test_cli_unknown_id_is_one_line_on_stderr_and_exit_1(desk: str, article: Path) -> None:
    scan(article)
    result = run("contradictions", "confirm", "ffffffff", "--note", "x")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "no contradiction with id ffffffff" in result.stderr
    assert all(c["decision"] is None for c in json.loads(run("contradictions", "--json").stdout))


def test_cli_rejects_open_with_a_decision(desk: str) -> None:
    result = run("contradictions", "--open", "--decision", "confirmed")
    assert result.exit_code == 2 and "not both" in result.stderr


def test_cli_group_options_reach_the_subcommand(tmp_path: Path, article: Path) -> None:
    db = tmp_path / "elsewhere"
    assert run("scan", str(article), "--db", str(db)).exit_code == 0
    pair = zero_sum_pair(open_store(db))
    result = run("contradictions", "--db", str(db), "--json", "dismiss", pair.id[:8])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)[0]["decision"] == "dismissed"


def test_cli_lists_stale_ones_only_when_asked(desk: str, article: Path) -> None:
    scan(article)
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("can in no way harm", "may well strain"), "utf-8")
    scan(article)
    assert len(json.loads(run("contradictions", "--json").stdout)) == 2
    listed = json.loads(run("contradictions", "--stale", "--json").stdout)
    assert [c["stale"] for c in listed].count(True) == 1
    assert "(stale)" in run("contradictions", "--stale").stdout


# -- the report ---------------------------------------------------------------------------------


def test_report_panel_shows_both_statements_speakers_explanation_and_decision(
    desk: str, article: Path, wide: None
) -> None:
    scan(article)
    pair = zero_sum_pair(open_store(desk))
    note = "She calls it zero-sum, then says neither tie can harm the other."
    assert run("contradictions", "confirm", pair.id, "--note", note, "--by", "ana").exit_code == 0
    shown = run("report", "--article", pair.article).stdout
    panel = shown[shown.index(f"frame conflict {pair.id[:8]} (confirmed)") :]
    panel = panel[: panel.index("╰")]
    assert pair.a.text in panel and pair.b.text in panel
    assert panel.count("Tasnim Aslam") == 2
    assert pair.explanation in panel
    decided = zero_sum_pair(open_store(desk))
    when = decided.decided_at[:16].replace("T", " ")
    assert f"confirmed by ana, {when} UTC: {note}" in panel


def test_report_leaves_out_stale_contradictions(desk: str, article: Path, wide: None) -> None:
    scan(article)
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("can in no way harm", "may well strain"), "utf-8")
    scan(article)
    shown = run("report").stdout
    assert shown.count("frame conflict") == 2
    assert "in no way harm" not in shown
