"""The embedded store: rescans, verdicts, ids, atomic writes, concurrency and schema checks."""

from __future__ import annotations

import gc
import subprocess
import sys
import weakref
from pathlib import Path
from typing import Any

import pytest

from claimtrack.errors import StoreError, UsageError
from claimtrack.pipeline import scan_article
from claimtrack.plugins import load_plugins
from claimtrack.store import Change, ClaimRecord, Evidence, Filters, Link, Store, open_store
from claimtrack.text import make_article

TEXT = (
    "The mill was built in 1973 with Soviet help. It employed 12,000 people in 1990. Prices rose."
)


def scan(text: str = TEXT, source: str = "a.txt"):
    return scan_article(load_plugins(entry_points=False), make_article(text, source))


def stored(store: Store, text: str = TEXT, source: str = "a.txt") -> list[dict]:
    return store.save_scans([scan(text, source)])[0]["claims"]


def test_rescan_adds_nothing_and_keeps_verdicts(desk: str) -> None:
    store = open_store(desk)
    first = stored(store)
    store.mark([first[0]["id"]], "verified", note="checked")
    again = stored(store)
    assert [c["id"] for c in again] == [c["id"] for c in first]
    assert again[0]["status"] == "verified"
    assert store.summary().claims == len(first)


def test_changed_article_keeps_ids_of_unchanged_claims_and_marks_removed(desk: str) -> None:
    store = open_store(desk)
    first = stored(store)
    store.mark([first[0]["id"]], "disputed")
    edited = "Update: new paragraph. " + TEXT.replace("It employed 12,000 people in 1990. ", "")
    second = stored(store, edited)
    kept = store.claim(first[0]["id"])
    assert kept.status == "disputed"
    assert edited[kept.start : kept.end] == kept.text
    assert first[0]["id"] in {c["id"] for c in second}
    removed = [c for c in first if "12,000" in c["text"]]
    assert removed and store.claim(removed[0]["id"]).removed


def test_marking_a_claim_with_the_status_it_has_keeps_the_counts_right(tmp_path: Path) -> None:
    from claimtrack.store import recovery

    store = open_store(tmp_path / "db")
    claims = stored(store)
    for _ in range(3):
        store.mark([claims[0]["id"]], "in progress")
    store.undo()
    assert store.summary().statuses == {"in progress": 1, "unverified": len(claims) - 1}
    assert recovery.check(tmp_path / "db").ok


def test_mark_records_history_with_who_when_and_why(desk: str) -> None:
    store = open_store(desk)
    claim_id = stored(store)[0]["id"]
    store.mark(
        [claim_id[:6]], "verified", note="archive", evidence=["https://example.org/a"], by="ana"
    )
    [entry] = store.history(claim_id)
    assert (entry.by, entry.before, entry.after, entry.note) == (
        "ana",
        "unverified",
        "verified",
        "archive",
    )
    [item] = store.claim(claim_id).evidence
    assert (item.kind, item.target) == ("url", "https://example.org/a")


def test_the_log_gives_the_latest_changes_up_to_its_limit(desk: str) -> None:
    store = open_store(desk)
    claims = stored(store)
    for claim in claims[:3]:
        store.mark([claim["id"]], "verified")
    assert len(store.log()) == 3
    assert [c.claim for c in store.log(limit=2)] == [claims[2]["id"], claims[1]["id"]]
    assert store.log(limit=0) == []


def test_evidence_read_without_a_stance_is_context(desk: str) -> None:
    store = open_store(desk)
    claim = stored(store)[0]["id"]
    item = Evidence.from_json({"id": "e1", "url": "https://example.org/r", "stance": None})
    assert item.stance == "context"
    store.add_evidence(claim, item)
    (shown,) = store.claim(claim).evidence
    assert shown.stance == "context"


def test_records_keep_their_json_key_order(desk: str) -> None:
    """The key order of ``to_json`` is what ``claims``, ``show`` and ``log --json`` print."""
    store = open_store(desk)
    stored(store)
    claim = store.claims()[0]
    assert ClaimRecord.from_json(claim.to_json()) == claim
    assert list(claim.to_json()) == [
        "id", "article", "start", "end", "text", "claim", "score", "checkworthy", "type",
        "speaker", "extractor", "status", "details", "removed", "first_seen", "updated", "notes",
        "evidence", "links",
    ]  # fmt: skip
    marked = Change(
        "c1", "now", "ana", "x", "a", "status", "unverified", "verified", None, {"n": 1}
    )
    assert list(marked.to_json()) == [
        "id", "at", "by", "claim", "article", "action", "before", "after", "note", "n",
    ]  # fmt: skip
    edited = Change("c2", "now", "ana", "x", "a", "edited", details={"text_before": "t"})
    assert list(edited.to_json()) == ["id", "at", "by", "claim", "article", "action", "text_before"]
    review = Evidence("e1", "claimreview", "https://r.example", rating="False", status="disputed")
    assert list(review.to_json()) == [
        "id", "kind", "url", "title", "publisher", "date", "stance", "rating", "status",
    ]  # fmt: skip
    assert list(Evidence("e2", "file", "/a.pdf").to_json())[2] == "file"


def test_unknown_status_and_unknown_id_change_nothing(desk: str) -> None:
    store = open_store(desk)
    claim_id = stored(store)[0]["id"]
    with pytest.raises(UsageError, match="valid statuses"):
        store.mark([claim_id], "sort of true")
    with pytest.raises(StoreError, match="no claim"):
        store.mark([claim_id, "ffffffff"], "verified")
    assert store.claim(claim_id).status == "unverified"


def test_short_or_ambiguous_prefix_is_rejected(desk: str) -> None:
    store = open_store(desk)
    stored(store)
    with pytest.raises(StoreError, match="at least 4"):
        store.claim("ab")


def test_damaged_database_is_named_in_one_line_and_not_overwritten(tmp_path: Path) -> None:
    store = open_store(tmp_path / "db")
    stored(store)
    store.close()
    file = tmp_path / "db" / "claimtrack.sqlite"
    file.write_bytes(b"not a database at all" * 100)
    with pytest.raises(StoreError, match=r"claimtrack\.sqlite is damaged.*db restore") as caught:
        open_store(tmp_path / "db").summary()
    assert "\n" not in str(caught.value)
    assert file.read_bytes() == b"not a database at all" * 100  # never silently overwritten


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    import sqlite3

    store = open_store(tmp_path / "db")
    stored(store)
    with sqlite3.connect(tmp_path / "db" / "claimtrack.sqlite") as conn:
        conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema'")
    with pytest.raises(StoreError, match="newer"):
        open_store(tmp_path / "db").articles()


def test_a_failed_change_leaves_nothing_behind(desk: str) -> None:
    store = open_store(desk)
    claims = stored(store)

    def refuse(count: int) -> bool:
        raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        store.mark([], "verified", filters=Filters(), confirm=refuse)
    assert {c.status for c in store.claims()} == {"unverified"}
    assert store.log() == [] and len(store.claims()) == len(claims)


def test_a_batch_is_one_transaction_storing_what_one_at_a_time_stores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from claimtrack.store.engine import Session

    texts = [TEXT, TEXT.replace("1973", "1974"), "Exports rose 12% in 2019. Imports fell 3%."]
    results = [scan(text, f"{n}.txt") for n, text in enumerate(texts)]
    first = scan("The port handled 4 million tonnes in 2018.", "first.txt")
    single_store = open_store(tmp_path / "single")
    single_store.save_scans([first])
    single = [single_store.save_scans([result])[0] for result in results]
    transactions = []
    real = Session.__init__

    def counted(session: Session, *args: Any) -> None:
        transactions.append(args)
        real(session, *args)

    monkeypatch.setattr(Session, "__init__", counted)
    batch_store = open_store(tmp_path / "batch")
    batch_store.save_scans([first])
    transactions.clear()
    batch = batch_store.save_scans(results)
    assert len(transactions) == 1
    assert [[c["id"] for c in r["claims"]] for r in batch] == [
        [c["id"] for c in r["claims"]] for r in single
    ]
    ids = [c["id"] for r in single for c in r["claims"]]

    def links(store: Store) -> dict[str, list[str]]:
        return {k: [link.id for link in v] for k, v in store.earlier_verdicts(ids).items()}

    assert links(batch_store) == links(single_store) != {}  # both ways, within a batch too
    for claim_id in ids:
        assert batch_store.claim(claim_id).links == single_store.claim(claim_id).links


def test_a_batch_holds_one_article_s_documents_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from claimtrack.store import scans
    from claimtrack.store.engine import Session

    store = open_store(tmp_path / "db")
    first = {c["id"] for c in store.save_scans([scan(TEXT, "first.txt")])[0]["claims"]}
    opened_before: list[int] = []
    sessions: list[weakref.ref[Session]] = []
    real = scans._save_scan

    def watched(session: Session, *args: Any) -> dict[str, Any]:
        opened_before.append(len(session._groups))
        sessions.append(weakref.ref(session))
        return real(session, *args)

    monkeypatch.setattr(scans, "_save_scan", watched)
    monkeypatch.setattr(scans, "RELEASE_BYTES", 0)  # let go after every article
    copies = [scan(TEXT + f"\n\nArchive copy {n}.", f"copy{n}.txt") for n in range(3)]
    gc.disable()  # what the transaction parsed must go when it ends, not at a collection
    try:
        records = store.save_scans(copies)
        assert all(ref() is None for ref in sessions)
    finally:
        gc.enable()
    # each copy links to the first article, whose document was written and let go in between
    assert opened_before == [0, 0, 0]
    repeats = [c["id"] for r in records for c in r["claims"] if c["text"] in TEXT]
    assert len(repeats) == 3 * len(first)
    assert all({link.id for link in store.claim(claim_id).links} & first for claim_id in repeats)
    assert first and all(len(store.claim(claim_id).links) == 3 for claim_id in first)


def test_a_batch_within_its_budget_parses_an_article_it_links_to_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from claimtrack.store.engine import Session

    store = open_store(tmp_path / "db")
    first = store.save_scans([scan(TEXT, "first.txt")])[0]["article"]["id"]
    loads: list[str] = []
    real = Session.load

    def counted(session: Session, name: str) -> Any:
        loads.append(name)
        return real(session, name)

    monkeypatch.setattr(Session, "load", counted)
    store.save_scans([scan(TEXT + f"\n\nArchive copy {n}.", f"copy{n}.txt") for n in range(4)])
    assert sum(first in name for name in loads) == 1


def test_a_stored_batch_links_and_matches_as_one_scan_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from claimtrack.store import documents

    # One storage time: equally alike claims are linked oldest first, to the second, so two
    # databases stored across a second's turn would order their links differently.
    monkeypatch.setattr(documents, "now", lambda: "2026-12-06T21:00:00+00:00")
    texts = [TEXT, TEXT.replace("1973", "1974"), "Exports rose 12% in 2019. Imports fell 3%."]
    reference = open_store(tmp_path / "reference")
    for n, text in enumerate(texts):
        reference.save_scans([scan(text, f"{n}.txt")])
    later = [
        scan("Rain fell. " + TEXT, "again.txt"),
        scan(TEXT.replace("1973", "1975"), "more.txt"),
    ]
    expected = reference.save_scans(later)
    store = open_store(tmp_path / "db")
    for n, text in enumerate(texts):
        store.save_scans([scan(text, f"{n}.txt")])
    records = store.save_scans(later)
    assert records == expected

    def links(store: Store) -> list[tuple[Link, ...]]:
        return [c.links for c in store.claims()]  # the earlier articles' links back included

    assert links(store) == links(reference)
    linked = [c.id for c in store.claims() if c.links]
    assert store.similar(linked[0]) == reference.similar(linked[0]) != []
    assert store.search("rose 12% in 2019") == reference.search("rose 12% in 2019") != []


#: A writer process: stores one article per number given after the database.
WRITER = """
import sys
from claimtrack.pipeline import scan_article
from claimtrack.plugins import load_plugins
from claimtrack.store import open_store
from claimtrack.text import make_article

db, plugins = sys.argv[1], load_plugins(entry_points=False)
for number in map(int, sys.argv[2:]):
    text = f"Article {number} says the budget was {number} million dollars in 2019."
    open_store(db).save_scans([scan_article(plugins, make_article(text, f"{number}.txt"))])
"""


def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    # Four processes at once, each a script of its own: it runs from any working directory
    # (a spawned pool's workers had to import this module, and hung the test where they could
    # not), and a writer that fails fails the test with its error.
    db = str(tmp_path / "db")
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, db, *map(str, range(w, 12, 4))],
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(4)
    ]
    try:
        for writer in writers:
            _, err = writer.communicate(timeout=300)
            assert writer.returncode == 0, err
    finally:
        for writer in writers:
            writer.kill()  # (those that finished: nothing to do)
            writer.wait()
    assert len(open_store(db).articles()) == 12
