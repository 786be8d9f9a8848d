"""Crash-safe storage: many files written together, raw tables, files removed after a commit."""

from __future__ import annotations

import functools
import os
import threading
from pathlib import Path
from typing import Any

import orjson
import pytest
from tinydb import Query

from claimtrack import storage
from claimtrack.errors import StoreError
from claimtrack.sandbox import writes_forbidden
from claimtrack.storage import backup_path, locked, write_all


def test_many_files_are_written_with_backups(tmp_path: Path) -> None:
    paths = [tmp_path / "a" / f"{n:03x}.json" for n in range(40)]
    (tmp_path / "a").mkdir()
    write_all({p: b"{}" for p in paths})
    write_all({p: orjson.dumps({"t": {"1": {"n": n}}}) for n, p in enumerate(paths)})
    assert all(orjson.loads(p.read_bytes()) == {"t": {"1": {"n": n}}} for n, p in enumerate(paths))
    assert all(backup_path(p).read_bytes() == b"{}" for p in paths)
    assert not list(tmp_path.rglob("*.tmp"))


def test_a_failed_write_changes_nothing_and_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = [tmp_path / f"{n}.json" for n in range(10)]
    write_all({p: b"{}" for p in paths})
    real = os.fsync
    calls = []

    def failing(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 5:
            raise OSError(28, "No space left on device")
        real(fd)

    monkeypatch.setattr(storage.os, "fsync", failing)
    with pytest.raises(OSError):
        write_all({p: b'{"new": {}}' for p in paths})
    assert all(p.read_bytes() == b"{}" for p in paths)
    assert not list(tmp_path.glob(".*.tmp"))


def test_raw_tables_are_written_only_when_changed(tmp_path: Path) -> None:
    with locked(tmp_path) as tx:
        tx.tables("x/a.json").setdefault("words", {})["w"] = {"c1": 3}
        tx.tables("x/b.json").setdefault("words", {})["w"] = {"c2": 3}
        tx.changed("x/a.json")
        assert tx.peek("x/a.json") == {"words": {"w": {"c1": 3}}}
    assert orjson.loads((tmp_path / "x" / "a.json").read_bytes()) == {"words": {"w": {"c1": 3}}}
    assert not (tmp_path / "x" / "b.json").exists()
    with locked(tmp_path) as tx:
        assert tx.peek("x/a.json") == {"words": {"w": {"c1": 3}}}
        assert "x/a.json" not in {str(p.relative_to(tmp_path)) for p in tx.files}
        tx.replace("x/a.json", {"words": {}})
    assert orjson.loads((tmp_path / "x" / "a.json").read_bytes()) == {"words": {}}


def test_removed_files_go_only_after_a_successful_commit(tmp_path: Path) -> None:
    old = tmp_path / "old.json"
    with locked(tmp_path) as tx:
        tx.replace("old.json", {"t": {}})
    with locked(tmp_path) as tx:
        tx.replace("old.json", {"t": {"1": {}}})
    assert backup_path(old).exists()
    with pytest.raises(RuntimeError), locked(tmp_path) as tx:
        tx.remove("old.json")
        raise RuntimeError("the command failed")
    assert old.exists()
    with locked(tmp_path) as tx:
        tx.remove("old.json")
        tx.replace("new.json", {"t": {}})
    assert not old.exists() and not backup_path(old).exists()
    assert (tmp_path / "new.json").exists()


def test_removal_is_a_write_plugins_may_not_make(tmp_path: Path) -> None:
    (tmp_path / "old.json").write_bytes(b"{}")
    with (
        pytest.raises(StoreError, match="may not write"),
        writes_forbidden("plugin x"),
        locked(tmp_path) as tx,
    ):
        tx.remove("old.json")
    assert (tmp_path / "old.json").exists()


def _commit_two_files(root: Path, value: int) -> None:
    with locked(root) as tx:
        tx.replace("a.json", {"t": {"1": {"n": value}}})
        tx.replace("sub/b.json", {"t": {"1": {"n": value}}})


def _values(root: Path) -> list[int]:
    return [
        orjson.loads((root / name).read_bytes())["t"]["1"]["n"] for name in ("a.json", "sub/b.json")
    ]


def test_a_commit_cut_before_its_journal_is_undone_on_the_next_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _commit_two_files(tmp_path, 1)

    def killed(*_: object, **__: object) -> None:
        raise KeyboardInterrupt  # stands in for a kill between staging and the journal

    monkeypatch.setattr(storage, "write_atomic", killed)
    with pytest.raises(KeyboardInterrupt):
        _commit_two_files(tmp_path, 2)
    monkeypatch.undo()
    assert list((tmp_path / storage.STAGING).iterdir())  # staged, never journalled
    with locked(tmp_path) as tx:
        assert tx.peek("a.json") == {"t": {"1": {"n": 1}}}
    assert _values(tmp_path) == [1, 1]
    assert not list((tmp_path / storage.STAGING).iterdir())


def test_a_commit_cut_after_its_journal_is_finished_on_the_next_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _commit_two_files(tmp_path, 1)
    real = storage._install
    installed = []

    def killed_after_one(staged: tuple[Path, Path], keep_backup: bool) -> None:
        if staged[1].name != storage.JOURNAL and installed:
            raise KeyboardInterrupt  # a kill with one file moved into place, one still staged
        if staged[1].name != storage.JOURNAL:
            installed.append(staged)
        real(staged, keep_backup)

    monkeypatch.setattr(storage, "_install", killed_after_one)
    monkeypatch.setattr(storage, "SYNC_THREADS", 1)
    with pytest.raises(KeyboardInterrupt):
        _commit_two_files(tmp_path, 2)
    monkeypatch.undo()
    assert (tmp_path / storage.JOURNAL).exists()
    assert sorted(_values(tmp_path)) == [1, 2]
    assert storage.apply_journal(tmp_path)
    assert _values(tmp_path) == [2, 2]
    backups = [backup_path(tmp_path / name) for name in ("a.json", "sub/b.json")]
    assert [orjson.loads(path.read_bytes()) for path in backups] == [{"t": {"1": {"n": 1}}}] * 2
    assert not (tmp_path / storage.JOURNAL).exists()
    assert not list((tmp_path / storage.STAGING).iterdir())


def _tables(path: Path) -> object:
    return orjson.loads(path.read_bytes())


def _add(word: str, tables: dict[str, dict[str, object]]) -> None:
    tables.setdefault("words", {})[word] = 1


def test_edits_are_made_at_commit_without_opening_the_file(tmp_path: Path) -> None:
    with locked(tmp_path) as tx:
        tx.replace("x/a.json", {"words": {"old": 1}})
    with locked(tmp_path) as tx:
        tx.edit("x/a.json", functools.partial(_add, "new"))
        tx.edit("x/b.json", functools.partial(_add, "fresh"))  # a file not there yet
        tx.insert("log.json", "log", {"n": 1})
        tx.insert("log.json", "log", {"n": 2})
        assert not tx.files  # nothing is held open
        assert tx.exists("x/b.json")
        assert tx.peek("x/a.json") == {"words": {"old": 1, "new": 1}}  # reads see the edits
        assert tx.peek("log.json") == {"log": {"1": {"n": 1}, "2": {"n": 2}}}
    assert _tables(tmp_path / "x" / "a.json") == {"words": {"old": 1, "new": 1}}
    assert _tables(tmp_path / "x" / "b.json") == {"words": {"fresh": 1}}
    assert _tables(tmp_path / "log.json") == {"log": {"1": {"n": 1}, "2": {"n": 2}}}
    assert _tables(backup_path(tmp_path / "x" / "a.json")) == {"words": {"old": 1}}


def test_a_file_opened_after_edits_has_them_and_inserts_take_tinydbs_ids(tmp_path: Path) -> None:
    with locked(tmp_path) as tx:
        tx.db("log.json").table("log").insert_multiple([{"n": 1}, {"n": 2}, {"n": 3}])
        tx.db("log.json").table("log").remove(doc_ids=[3])
    with locked(tmp_path) as tx:
        tx.insert("log.json", "log", {"n": 4})  # not open: appended at commit
        tx.edit("a.json", functools.partial(_add, "w"))
        assert tx.db("log.json").table("log").get(doc_id=3) == {"n": 4}
        tx.db("log.json").table("log").insert({"n": 5})  # TinyDB continues from the edits
        tx.insert("log.json", "log", {"n": 6})  # open: through TinyDB
        assert tx.tables("a.json") == {"words": {"w": 1}}
        tx.edit("a.json", functools.partial(_add, "v"))  # open: changed at once
        assert tx.tables("a.json") == {"words": {"w": 1, "v": 1}}
        table = tx.db("log.json").table("log")
        assert table.search(Query().n == 5)  # a cached query
        tx.edit("log.json", _renumber)
        assert not table.search(Query().n == 5) and table.search(Query().n == 50)
    assert [d["n"] for d in _tables(tmp_path / "log.json")["log"].values()] == [1, 2, 4, 50, 6]
    assert list(_tables(tmp_path / "log.json")["log"]) == ["1", "2", "3", "4", "5"]
    assert _tables(tmp_path / "a.json") == {"words": {"w": 1, "v": 1}}


def _renumber(tables: dict[str, dict[str, Any]]) -> None:
    for doc in tables["log"].values():
        if doc["n"] == 5:
            doc["n"] = 50


def _edit_many(root: Path, value: int, count: int = 12) -> None:
    with locked(root) as tx:
        for n in range(count):
            tx.edit(f"s/{n:02}.json", functools.partial(_set, value))


def _set(value: int, tables: dict[str, dict[str, object]]) -> None:
    tables["t"] = {"1": {"n": value}}


def _edited_values(root: Path, count: int = 12) -> list[int]:
    return [_tables(root / "s" / f"{n:02}.json")["t"]["1"]["n"] for n in range(count)]  # type: ignore[index]


def test_a_commit_cut_while_staging_edited_files_changes_none_of_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _edit_many(tmp_path, 1)
    real = storage._write_synced
    written = []

    def killed_midway(path: Path, payload: bytes) -> None:
        if len(written) == 5:
            raise KeyboardInterrupt  # a kill with some edited files staged, others not yet read
        written.append(path)
        real(path, payload)

    monkeypatch.setattr(storage, "_write_synced", killed_midway)
    monkeypatch.setattr(storage, "SYNC_THREADS", 1)
    with pytest.raises(KeyboardInterrupt):
        _edit_many(tmp_path, 2)
    monkeypatch.undo()
    assert len(list((tmp_path / storage.STAGING).iterdir())) == 5
    assert _edited_values(tmp_path) == [1] * 12
    with locked(tmp_path):
        pass
    assert not list((tmp_path / storage.STAGING).iterdir())
    _edit_many(tmp_path, 3)
    assert _edited_values(tmp_path) == [3] * 12


def test_a_commit_holds_one_edited_file_parsed_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _edit_many(tmp_path, 1, count=40)
    real = storage._read_edited
    lock = threading.Lock()
    held = [0]
    most = [0]

    def counted(path: Path, changes: object) -> dict[str, dict[str, object]]:
        tables = real(path, changes)  # type: ignore[arg-type]
        with lock:
            held[0] += 1
            most[0] = max(most[0], held[0])
        return tables

    real_dumps = storage.orjson.dumps

    def dumps(value: object) -> bytes:
        payload = real_dumps(value)
        if isinstance(value, dict) and "t" in value:
            with lock:
                held[0] -= 1  # serialised: the parsed copy is let go
        return payload

    monkeypatch.setattr(storage, "_read_edited", counted)
    monkeypatch.setattr(storage, "orjson", type("O", (), {"dumps": dumps, "loads": orjson.loads}))
    monkeypatch.setattr(storage, "SYNC_THREADS", 3)
    _edit_many(tmp_path, 2, count=40)
    assert held[0] == 0
    assert most[0] == 1  # 40 files changed, one parsed at a time
    assert _edited_values(tmp_path, 40) == [2] * 40
