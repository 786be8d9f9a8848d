"""Crash-safe storage: many files written together, raw tables, files removed after a commit."""

from __future__ import annotations

import os
from pathlib import Path

import orjson
import pytest

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
