"""The embedded desk's engine: TinyDB documents in one SQLite file, one transaction a command."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from claimtrack.errors import StoreError
from claimtrack.sandbox import writes_forbidden
from claimtrack.store.engine import DB_FILE, connect, transaction


def test_documents_are_written_once_at_commit_and_read_back(tmp_path: Path) -> None:
    conn = connect(tmp_path)
    conn.execute("CREATE TABLE documents(name TEXT PRIMARY KEY, body BLOB NOT NULL)")
    with transaction(tmp_path, conn, write=True) as session:
        table = session.group("article/a").table("claims")
        table.insert({"id": "c1"})
        table.insert({"id": "c2"})
        assert session.all("SELECT name FROM documents") == []  # nothing written yet
    with transaction(tmp_path, conn, write=False) as session:
        assert [d["id"] for d in session.group("article/a").table("claims").all()] == ["c1", "c2"]
        assert session.peek("article/b") is None and session.load("article/b") is None


def test_an_exception_rolls_the_whole_transaction_back(tmp_path: Path) -> None:
    conn = connect(tmp_path)
    conn.execute("CREATE TABLE documents(name TEXT PRIMARY KEY, body BLOB NOT NULL)")
    with pytest.raises(RuntimeError), transaction(tmp_path, conn, write=True) as session:
        session.group("article/a").table("claims").insert({"id": "c1"})
        session.flush()
        raise RuntimeError("interrupted")
    with transaction(tmp_path, conn, write=False) as session:
        assert session.load("article/a") is None


def test_plugins_may_not_write(tmp_path: Path) -> None:
    conn = connect(tmp_path)
    with (
        pytest.raises(StoreError, match="plugin x may not write"),
        writes_forbidden("plugin x"),
        transaction(tmp_path, conn, write=True),
    ):
        pass  # pragma: no cover


def test_a_document_that_is_not_json_names_the_database(tmp_path: Path) -> None:
    conn = connect(tmp_path)
    conn.execute("CREATE TABLE documents(name TEXT PRIMARY KEY, body BLOB NOT NULL)")
    conn.execute("INSERT INTO documents VALUES ('article/a', '{\"claims\": ')")
    with (
        pytest.raises(StoreError, match=rf"{DB_FILE} is damaged .*article/a.*db restore"),
        transaction(tmp_path, conn, write=False) as session,
    ):
        session.group("article/a").table("claims").all()


def test_a_reader_does_not_wait_for_a_writer(tmp_path: Path) -> None:
    conn = connect(tmp_path)
    conn.execute("CREATE TABLE t(x)")
    conn.execute("INSERT INTO t VALUES (1)")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys, time\n"
            "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
            "c.execute('BEGIN IMMEDIATE'); c.execute('INSERT INTO t VALUES (2)')\n"
            "print('held', flush=True); time.sleep(60)\n",
            str(tmp_path / DB_FILE),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with transaction(tmp_path, connect(tmp_path), write=False) as session:
            assert session.all("SELECT x FROM t") == [(1,)]  # the last committed state
    finally:
        holder.kill()
        holder.wait()
    with sqlite3.connect(tmp_path / DB_FILE) as check:
        assert check.execute("SELECT x FROM t").fetchall() == [(1,)]  # the kill lost nothing
