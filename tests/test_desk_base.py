"""What the methods both desks share (``store/desk.py``) promise on either desk."""

from __future__ import annotations

from collections.abc import Callable
from inspect import signature
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from claimtrack.errors import StoreError
from claimtrack.sandbox import writes_forbidden
from claimtrack.store import (
    Filters,
    contradictions,
    documents,
    open_store,
    pg_rows,
    pg_scans,
    pg_verdicts,
    removal,
    scans,
    verdicts,
)
from claimtrack.store.desk import Decisions, Removal, Rows, Scans, Verdicts

TEXT = "The port handled 12 million tonnes last year. The new terminal opens in March."
Saver = Callable[..., list[dict[str, Any]]]


def test_a_change_inside_a_read_session_is_refused(
    desk: str, tmp_path: Path, save_sentences: Saver
) -> None:
    store = open_store(desk)
    [first, _] = save_sentences(store, tmp_path / "port.txt", TEXT)
    refused = "a change cannot be made inside a read session"
    with store.session(), pytest.raises(StoreError, match=refused):
        store.add_note(first["id"], "asked the port authority")
    with store.session(), pytest.raises(StoreError, match=refused):
        store.mark([first["id"]], "verified")
    assert store.claim(first["id"]).status == "unverified"
    assert [c.action for c in store.history(first["id"])] == []


def test_a_confirmation_reads_inside_the_change_and_cannot_change_again(
    desk: str, tmp_path: Path, save_sentences: Saver
) -> None:
    store = open_store(desk)
    ids = [c["id"] for c in save_sentences(store, tmp_path / "port.txt", TEXT)]
    shown: list[list[str]] = []

    def confirm(count: int) -> bool:  # what a person is shown before agreeing
        shown.append([c.id for c in store.claims(Filters(status="unverified"))])
        return count == len(ids)

    changes = store.mark([], "verified", filters=Filters(status="unverified"), confirm=confirm)
    assert shown == [ids] and [c.claim for c in changes] == ids

    def meddling(count: int) -> bool:
        store.add_note(ids[0], "a change inside a change")
        return True

    refused = "a change cannot be made inside a read session or another change"
    with pytest.raises(StoreError, match=refused):
        store.mark([ids[0]], "disputed", confirm=meddling)
    with store.session(), writes_forbidden("plugin-x"), pytest.raises(StoreError, match=refused):
        store.add_note(ids[0], "a plugin inside a read session")  # the same message on both desks
    assert [c.action for c in store.history(ids[0])] == ["status"]
    assert store.claim(ids[0]).status == "verified"


def test_prefixes_given_once_are_read_once(
    desk: str, tmp_path: Path, save_sentences: Saver
) -> None:
    store = open_store(desk)
    ids = [c["id"] for c in save_sentences(store, tmp_path / "port.txt", TEXT)]
    changes = store.mark((claim_id[:8] for claim_id in ids), "verified", by="ana")
    assert [(c.claim, c.after, c.by) for c in changes] == [(i, "verified", "ana") for i in ids]


def test_a_mark_that_met_a_deadlock_is_tried_again_with_the_same_claims(
    pg_url: str, tmp_path: Path, save_sentences: Saver, monkeypatch: pytest.MonkeyPatch
) -> None:
    import psycopg.errors

    from claimtrack.store import pg_verdicts

    store = open_store(pg_url)
    ids = [c["id"] for c in save_sentences(store, tmp_path / "port.txt", TEXT)]
    real, seen = pg_verdicts.mark, []

    def deadlocked_once(tx: Any, config: Any, prefixes: list[str], *rest: Any) -> Any:
        seen.append(list(prefixes))
        found = real(tx, config, prefixes, *rest)
        if len(seen) == 1:  # written, then rolled back: the change meets another's locks
            raise psycopg.errors.DeadlockDetected("deadlock detected")
        return found

    monkeypatch.setattr(pg_verdicts, "mark", deadlocked_once)
    changes = store.mark(iter(ids), "verified")
    assert seen == [ids, ids]
    assert [c.claim for c in changes] == ids
    assert [c.claim for c in store.log()] == ids[::-1]  # the first try left nothing


@pytest.mark.parametrize(
    ("protocol", "embedded", "team"),
    [
        (Rows, documents, pg_rows),
        (Verdicts, verdicts, pg_verdicts),
        (Scans, scans, pg_scans),
        (Removal, removal, pg_verdicts),
        (Decisions, contradictions, pg_verdicts),
    ],
)
def test_both_desks_functions_take_the_same_arguments(
    protocol: type, embedded: ModuleType, team: ModuleType
) -> None:
    """mypy checks each desk's session and the results; the other arguments are checked here."""
    names = [name for name in vars(protocol) if not name.startswith("_")]
    assert names
    for name in names:
        ours, theirs = (
            list(signature(getattr(m, name)).parameters.values())[1:] for m in (embedded, team)
        )
        assert [(p.name, p.kind, p.default) for p in ours] == [
            (p.name, p.kind, p.default) for p in theirs
        ], name
