"""The TinyDB store: rescans, verdicts, ids, atomic writes, locking and schema checks."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from claimtrack.errors import StoreError, UsageError
from claimtrack.pipeline import scan_article
from claimtrack.plugins import load_plugins
from claimtrack.store import Store
from claimtrack.text import make_article

TEXT = (
    "The mill was built in 1973 with Soviet help. It employed 12,000 people in 1990. Prices rose."
)


def scan(text: str = TEXT, source: str = "a.txt"):
    return scan_article(load_plugins(entry_points=False), make_article(text, source))


def stored(store: Store, text: str = TEXT, source: str = "a.txt") -> list[dict]:
    return store.save_scans([scan(text, source)])[0]["claims"]


def test_rescan_adds_nothing_and_keeps_verdicts(tmp_path: Path) -> None:
    store = Store(tmp_path / "db")
    first = stored(store)
    store.mark([first[0]["id"]], "verified", note="checked")
    again = stored(store)
    assert [c["id"] for c in again] == [c["id"] for c in first]
    assert again[0]["status"] == "verified"
    assert store.summary()["claims"] == len(first)


def test_changed_article_keeps_ids_of_unchanged_claims_and_marks_removed(tmp_path: Path) -> None:
    store = Store(tmp_path / "db")
    first = stored(store)
    store.mark([first[0]["id"]], "disputed")
    edited = "Update: new paragraph. " + TEXT.replace("It employed 12,000 people in 1990. ", "")
    second = stored(store, edited)
    kept = store.claim(first[0]["id"])
    assert kept["status"] == "disputed"
    assert edited[kept["start"] : kept["end"]] == kept["text"]
    assert first[0]["id"] in {c["id"] for c in second}
    removed = [c for c in first if "12,000" in c["text"]]
    assert removed and store.claim(removed[0]["id"])["removed"]


def test_marking_a_claim_with_the_status_it_has_keeps_the_counts_right(tmp_path: Path) -> None:
    from claimtrack import recovery

    store = Store(tmp_path / "db")
    claims = stored(store)
    for _ in range(3):
        store.mark([claims[0]["id"]], "in progress")
    store.undo()
    assert store.summary()["statuses"] == {"in progress": 1, "unverified": len(claims) - 1}
    assert recovery.check(tmp_path / "db").ok


def test_mark_records_history_with_who_when_and_why(tmp_path: Path) -> None:
    store = Store(tmp_path / "db")
    claim_id = stored(store)[0]["id"]
    store.mark(
        [claim_id[:6]], "verified", note="archive", evidence=["https://example.org/a"], by="ana"
    )
    [entry] = store.history(claim_id)
    assert (entry["by"], entry["before"], entry["after"], entry["note"]) == (
        "ana",
        "unverified",
        "verified",
        "archive",
    )
    assert store.claim(claim_id)["evidence"] == [{"url": "https://example.org/a"}]


def test_unknown_status_and_unknown_id_change_nothing(tmp_path: Path) -> None:
    store = Store(tmp_path / "db")
    claim_id = stored(store)[0]["id"]
    with pytest.raises(UsageError, match="valid statuses"):
        store.mark([claim_id], "sort of true")
    with pytest.raises(StoreError, match="no claim"):
        store.mark([claim_id, "ffffffff"], "verified")
    assert store.claim(claim_id)["status"] == "unverified"


def test_short_or_ambiguous_prefix_is_rejected(tmp_path: Path) -> None:
    store = Store(tmp_path / "db")
    stored(store)
    with pytest.raises(StoreError, match="at least 4"):
        store.resolve("ab")


def test_write_keeps_backup_and_corrupt_file_names_it(tmp_path: Path) -> None:
    store = Store(tmp_path / "db")
    stored(store)
    stored(store, "Another article said 5 things in 2001.", "b.txt")
    catalog = tmp_path / "db" / "catalog.json"
    assert (tmp_path / "db" / "catalog.json.bak").exists()
    catalog.write_text('{"articles": {"1": ')
    with pytest.raises(StoreError, match=r"catalog\.json\.bak"):
        store.summary()
    assert catalog.read_text() == '{"articles": {"1": '  # never silently overwritten


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    store = Store(tmp_path / "db")
    stored(store)
    (tmp_path / "db" / "catalog.json").write_text('{"meta": {"1": {"schema": 99}}}')
    with pytest.raises(StoreError, match="newer"):
        store.articles()


def test_a_batch_is_one_transaction_storing_what_one_at_a_time_stores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from claimtrack import storage

    texts = [TEXT, TEXT.replace("1973", "1974"), "Exports rose 12% in 2019. Imports fell 3%."]
    results = [scan(text, f"{n}.txt") for n, text in enumerate(texts)]
    first = scan("The port handled 4 million tonnes in 2018.", "first.txt")
    single_store = Store(tmp_path / "single")
    single_store.save_scans([first])
    single = [single_store.save_scans([result])[0] for result in results]
    commits = []
    real = storage.Transaction.commit

    def counted(tx: storage.Transaction) -> None:
        commits.append(tx)
        real(tx)

    monkeypatch.setattr(storage.Transaction, "commit", counted)
    batch_store = Store(tmp_path / "batch")
    batch_store.save_scans([first])
    batch = batch_store.save_scans(results)
    assert len(commits) == 2
    assert [[c["id"] for c in r["claims"]] for r in batch] == [
        [c["id"] for c in r["claims"]] for r in single
    ]
    ids = [c["id"] for r in single for c in r["claims"]]

    def links(store: Store) -> dict[str, list[str]]:
        return {k: [link["id"] for link in v] for k, v in store.earlier_verdicts(ids).items()}

    assert links(batch_store) == links(single_store) != {}  # both ways, within a batch too
    for claim_id in ids:
        assert batch_store.claim(claim_id)["links"] == single_store.claim(claim_id)["links"]


def test_a_stored_scan_holds_open_only_its_articles_and_the_catalog(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from claimtrack import matching, storage, store

    # One storage time: equally alike claims are linked oldest first, to the second, so two
    # databases stored across a second's turn would order their links differently.
    monkeypatch.setattr(store, "now", lambda: "2026-12-06T21:00:00+00:00")
    texts = [TEXT, TEXT.replace("1973", "1974"), "Exports rose 12% in 2019. Imports fell 3%."]
    reference = Store(tmp_path / "reference")
    for n, text in enumerate(texts):
        reference.save_scans([scan(text, f"{n}.txt")])
    later = [
        scan("Rain fell. " + TEXT, "again.txt"),
        scan(TEXT.replace("1973", "1975"), "more.txt"),
    ]
    expected = reference.save_scans(later)
    store = Store(tmp_path / "db")
    for n, text in enumerate(texts):
        store.save_scans([scan(text, f"{n}.txt")])
    opened: list[set[str]] = []
    real = storage.Transaction.commit

    def commit(tx: storage.Transaction) -> None:
        opened.append({str(p.relative_to(tx.root)) for p in tx.files})
        real(tx)

    monkeypatch.setattr(storage.Transaction, "commit", commit)
    monkeypatch.setattr(matching, "CACHE_BYTES", 1)  # lookups keep (almost) nothing read
    records = store.save_scans(later)
    articles = {f"articles/{r['article']['id']}.json" for r in records}
    [held] = opened
    assert articles <= held <= {"catalog.json", "match/stats.json", *articles}  # nothing linked
    assert records == expected

    def links(store: Store) -> list[list[dict]]:
        return [c["links"] for c in store.claims()]  # the earlier articles' links back included

    assert links(store) == links(reference)
    linked = [c["id"] for c in store.claims() if c["links"]]
    assert store.similar(linked[0]) == reference.similar(linked[0]) != []
    assert store.search("rose 12% in 2019") == reference.search("rose 12% in 2019") != []


def test_interrupted_multi_file_commit_is_finished_from_the_journal(tmp_path: Path) -> None:
    store = Store(tmp_path / "db")
    stored(store)
    (tmp_path / "db" / "journal.json").write_text(
        '{"catalog.json": "{\\"meta\\": {\\"1\\": {\\"schema\\": 1}}}"}'
    )
    assert store.articles() == []
    assert not (tmp_path / "db" / "journal.json").exists()


def _store_article(args: tuple[str, int]) -> None:
    db, number = args
    text = f"Article {number} says the budget was {number} million dollars in 2019."
    Store(db).save_scans([scan(text, f"{number}.txt")])


def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    db = str(tmp_path / "db")
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        pool.map(_store_article, [(db, n) for n in range(12)])
    assert len(Store(db).articles()) == 12
