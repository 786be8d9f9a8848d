"""The verdict changes (``verdicts.VerdictDesk``) on either desk: what each leaves on the claim,
its article and the history, and what its undo gives back."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from claimtrack.exchange import Review
from claimtrack.store import documents, open_store
from claimtrack.store.records import Evidence

TEXT = "The port handled 12 million tonnes last year. The new terminal opens in March."


def test_changes_and_their_undos_leave_claims_articles_and_history_alike(
    desk: str, tmp_path: Path, save_sentences: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    ticks = itertools.count()
    monkeypatch.setattr(documents, "now", lambda: f"2024-01-01T10:00:00.{next(ticks):06d}+00:00")
    store = open_store(desk)
    first, second = (c["id"] for c in save_sentences(store, tmp_path / "port.txt", TEXT))
    marked = store.mark([first, second], "verified", "asked", ["https://example.org/a"], by="ana")
    assert [(c.before, c.after, c.note) for c in marked] == [
        ("unverified", "verified", "asked")
    ] * 2
    after_marking = documents.now()
    store.add_note(first, "called back", by="bo")
    store.add_evidence(first, Evidence(id="", kind="url", target="https://example.org/b"), by="bo")
    before_import = store.articles()[0].updated
    review = Review(TEXT.split(". ")[0], "False", None, "https://other.example/1", "Other", None)
    [imported], unmatched = store.import_reviews([review], set_status=True, by="cy")
    assert unmatched == 0 and (imported.claim, imported.before, imported.after) == (
        first,
        "verified",
        "false",
    )
    claim = store.claim(first)
    assert claim.status == "false" and [n.text for n in claim.notes] == ["asked", "called back"]
    assert [e.kind for e in claim.evidence] == ["url", "url", "claimreview"]
    assert store.summary().statuses == {"false": 1, "verified": 1}
    assert store.articles()[0].updated > before_import  # a status change touches its article

    undone = [store.undo(by="di") for _ in range(4)]  # the import, evidence, note, then a mark
    assert [c.details["undone"] for c in undone] == ["import", "evidence", "note", "status"]
    assert [(c.claim, c.before, c.after) for c in undone] == [
        (first, "false", "verified"),
        (first, None, None),
        (first, None, None),
        (second, "verified", "unverified"),
    ]
    claim, other = store.claim(first), store.claim(second)
    assert claim.status == "verified" and [n.text for n in claim.notes] == ["asked"]
    assert [e.target for e in claim.evidence] == ["https://example.org/a"]
    assert other.status == "unverified"  # the evidence given with a verdict stays
    assert [e.target for e in other.evidence] == ["https://example.org/a"]
    assert store.summary().statuses == {"unverified": 1, "verified": 1}
    assert [c.status for c in store.claims_as_of(after_marking)] == ["verified", "verified"]
    assert [c.status for c in store.claims_as_of(documents.now())] == ["verified", "unverified"]


def test_counts_come_most_first_then_by_name_on_either_desk(
    desk: str, tmp_path: Path, save_sentences: Callable[..., Any]
) -> None:
    store = open_store(desk)
    body = TEXT + " Dredging cost 30 million euros. The channel is 14 metres deep."
    ids = [c["id"] for c in save_sentences(store, tmp_path / "port.txt", body)]
    store.mark(ids[:2], "verified")
    store.mark(ids[2:3], "disputed")
    counts = store.summary()
    assert list(counts.statuses.items()) == [("verified", 2), ("disputed", 1), ("unverified", 1)]
    assert (counts.articles, counts.claims, sum(counts.types.values())) == (1, 4, 4)
