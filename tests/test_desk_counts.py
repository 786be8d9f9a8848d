"""What a desk keeps counted follows every change, on both backends: its vocabulary (how many
indexed forms hold each word: the team desk counts them, and looks texts up by their rarest
words; the embedded desk lists the distinct forms holding each word, and counts the words they
share with a text from those lists) and its live claims by status and type (the dashboard and
``stats``). The team desk's migration 3 counts an older desk."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from claimtrack.cli import app
from claimtrack.store import Store, open_store, pg_schema
from claimtrack.store.embedded import EmbeddedStore
from claimtrack.store.matching import MatchIndex, _term, keys
from claimtrack.store.pg_rows import ServerMatchIndex
from claimtrack.store.postgres import PostgresStore

TEXT = (
    "The harbour authority said cargo volumes rose 12 percent in the first quarter. "
    "Officials expect the new terminal to open in March with 400 workers. "
    "Dredging of the channel cost 30 million euros last year, the authority said. "
    "The harbour authority said cargo volumes rose 12 percent in the first quarter."
)
OTHER = (
    "Cargo volumes at the harbour rose 12 percent in the first quarter, officials said. "
    "The ferry company will hire 40 workers for the summer season."
)


def vocabulary(store: Store, terms: set[str]) -> dict[str, int]:
    """The backend's own count of the indexed forms holding each of ``terms``."""
    if isinstance(store, PostgresStore):
        with store._read() as tx:
            found = ServerMatchIndex(tx)._counts_of(terms)
    else:
        assert isinstance(store, EmbeddedStore)
        with store._read() as session:
            index = MatchIndex(session)
            holding = index._postings(sorted(terms))
            forms = index._forms_of(sorted(set().union(*holding.values())))
        # the distinct forms listed under each word, each as many times as claims have it
        found = {term: sum(forms[n][1] for n in numbers) for term, numbers in holding.items()}
    return {term: found.get(term, 0) for term in terms}


def recounted(store: Store) -> Counter[str]:
    """The forms holding each word, counted afresh from the live claims."""
    held: Counter[str] = Counter()
    for claim in store.claims():
        for form in keys(claim.claim or claim.text):
            held.update({_term(w) for w in form.split()} - {""})
    return held


def assert_counts_agree(store: Store, seen: set[str]) -> None:
    held = recounted(store)
    seen |= set(held)
    assert vocabulary(store, seen) == {term: held[term] for term in seen}
    live = store.claims()
    summary = store.summary()
    assert summary.statuses == dict(Counter(c.status for c in live))
    assert summary.types == dict(Counter(c.type for c in live))
    assert summary.claims == len(live)
    pending = sum(c.status in ("unverified", "in progress") for c in live)
    assert store.dashboard().awaiting_total == pending


def test_vocabulary_and_counts_follow_every_change(
    desk: str, tmp_path: Path, save_sentences: Callable[..., list[dict[str, Any]]]
) -> None:
    store, seen = open_store(desk), set[str]()
    first = [c["id"] for c in save_sentences(store, tmp_path / "harbour.txt", TEXT)]
    save_sentences(store, tmp_path / "ferry.txt", OTHER)
    assert_counts_agree(store, seen)
    store.mark(first[:2], "false")
    store.mark([first[2]], "in progress")
    store.undo()
    assert_counts_agree(store, seen)
    edited = TEXT.replace("12 percent", "13 percent").replace("400 workers", "a ferry line")
    edited = edited.replace("Dredging of the channel", "Nobody")
    save_sentences(store, tmp_path / "harbour.txt", edited)
    assert_counts_agree(store, seen)
    store.remove_article(str(tmp_path / "ferry.txt"))
    assert_counts_agree(store, seen)
    store.reindex()
    assert_counts_agree(store, seen)
    assert vocabulary(store, {"ferry", "dredg"}) == {"ferry": 1, "dredg": 0}


def test_the_team_desk_counts_an_older_desk_when_upgraded(
    pg_url: str, tmp_path: Path, save_sentences: Callable[..., list[dict[str, Any]]]
) -> None:
    store = PostgresStore(pg_url)
    save_sentences(store, tmp_path / "harbour.txt", TEXT)
    save_sentences(store, tmp_path / "ferry.txt", OTHER)
    store.mark([store.claims()[0].id], "false")
    expected = {
        table: store._write(lambda tx, t=table: tx.all(f"SELECT * FROM {t} ORDER BY 1, 2"))
        for table in ("claim_vocab", "form_words")
    }
    counts = store.summary()
    store._write(_back_to_schema_2)
    store.close()
    refused = CliRunner().invoke(app, ["claims", "--db", pg_url])
    assert refused.exit_code == 1 and "run claimtrack db upgrade" in refused.stderr
    done = CliRunner().invoke(app, ["db", "upgrade", "--db", pg_url])
    assert done.exit_code == 0 and f"schema 2 → {pg_schema.SCHEMA}" in done.stdout
    again = PostgresStore(pg_url)
    for table, rows in expected.items():
        assert again._write(lambda tx, t=table: tx.all(f"SELECT * FROM {t} ORDER BY 1, 2")) == rows
    assert again.summary() == counts
    assert_counts_agree(again, set())


def _back_to_schema_2(tx: object) -> None:
    """Undo migrations 3 to 5 by hand, as a desk made by the claimtrack before them would be."""
    from claimtrack.store.pg_rows import Tx

    assert isinstance(tx, Tx)
    for statement in (
        "DROP TRIGGER claim_forms_added ON claim_forms",
        "DROP TRIGGER claim_forms_dropped ON claim_forms",
        "DROP TRIGGER claims_added ON claims",
        "DROP TRIGGER claims_dropped ON claims",
        "DROP TRIGGER claims_changed ON claims",
        "DROP FUNCTION claim_forms_changed()",
        "DROP FUNCTION claims_counted()",
        "DROP TABLE claim_vocab, form_words, claim_tally",
        "ALTER TABLE claim_forms DROP COLUMN form_key",
        "ALTER TABLE claim_forms ADD COLUMN words TSVECTOR",
        f"UPDATE claim_forms SET words = {pg_schema.FORM_WORDS}",
        "ALTER TABLE claim_forms ALTER COLUMN words SET NOT NULL",
        "CREATE INDEX claim_forms_words ON claim_forms USING GIN(words)",
        "DROP TABLE desk_settings",
        "ALTER TABLE claims DROP COLUMN said",
        "DELETE FROM schema_version WHERE version >= 3",
    ):
        tx.run(statement)
