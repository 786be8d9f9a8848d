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
