"""The embedded desk's engine: one SQLite database in WAL mode, TinyDB documents inside it.

A database is a folder holding ``claimtrack.sqlite`` (with SQLite's ``-wal`` and ``-shm`` files
while it is open) and an optional ``config.toml``. Each command runs in one SQLite transaction
(``Session``): a writer takes SQLite's write lock (``BEGIN IMMEDIATE``), waiting up to
``CLAIMTRACK_LOCK_TIMEOUT`` seconds for another writer; readers read a snapshot and never wait.
SQLite makes each commit atomic and durable (``synchronous=FULL``): a process killed at any
moment leaves the last committed state, which the next open finds as it was.

TinyDB is the document layer: an article's text, claims, contradictions and rescans are one
*document group*, a TinyDB database whose JSON is one row of the ``documents`` table
(``RowStorage``, TinyDB's documented extension point). A session parses a group when it first
opens it and writes each changed group at commit, or earlier, inside the transaction, when a
command that stores many articles lets go of the groups it has parsed (``Session.release``). Indexes
that must stay cheap however large the database grows (the catalog, claim ids, the history and
the match index) are tables of their own, changed in the same transaction (see ``schema.py``).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import orjson
from tinydb import TinyDB
from tinydb.storages import MemoryStorage

from claimtrack.errors import StoreError
from claimtrack.sandbox import forbidden_writer

DB_FILE = "claimtrack.sqlite"
LOCK_TIMEOUT_ENV = "CLAIMTRACK_LOCK_TIMEOUT"
#: Seconds a writer waits for another claimtrack process to finish writing.
DEFAULT_LOCK_TIMEOUT = 30.0
#: A TinyDB database's tables: table name → document id → document.
Tables = dict[str, dict[str, Any]]


def database_file(root: Path) -> Path:
    """The SQLite file of the database folder ``root``."""
    return root / DB_FILE


def damaged(root: Path, why: object) -> NoReturn:
    """Raise the one-line error that names a damaged database and what to do about it."""
    raise StoreError(
        f"database {database_file(root)} is damaged ({why}); "
        "run claimtrack db check, then claimtrack db restore"
    )


def connect(root: Path) -> sqlite3.Connection:
    """Open (creating if need be) the database file of ``root`` in WAL mode."""
    root.mkdir(parents=True, exist_ok=True)
    wait = lock_timeout()
    try:
        conn = sqlite3.connect(
            database_file(root), timeout=wait, isolation_level=None, check_same_thread=False
        )
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
    except sqlite3.DatabaseError as exc:
        _refused(root, exc)
    return conn


class RowStorage(MemoryStorage):
    """TinyDB's in-memory storage of one group, parsed from its row of ``documents`` when the
    session opens it, and noting a change: the session writes it back at commit or release."""

    def __init__(self, data: Tables | None) -> None:
        super().__init__()
        self.memory = data
        self.dirty = False

    def write(self, data: Tables) -> None:
        """Keep the new state; the session writes it at commit."""
        self.memory, self.dirty = data, True


class Session:
    """One SQLite transaction on a database and the TinyDB document groups it opened."""

    def __init__(self, root: Path, conn: sqlite3.Connection) -> None:
        self.root = root
        self.conn = conn
        self._groups: dict[str, tuple[TinyDB, RowStorage]] = {}
        #: Bytes of JSON parsed since the session last let go of its groups (``release``).
        self.parsed = 0

    def group(self, name: str) -> TinyDB:
        """The TinyDB database of a document group (empty if it does not exist yet), parsed the
        first time the session opens it."""
        if name not in self._groups:
            storage = RowStorage(self.load(name))
            self._groups[name] = (TinyDB(storage=lambda: storage), storage)
        return self._groups[name][0]

    def peek(self, name: str) -> Tables | None:
        """A group's tables, parsed, without opening it in the session (None if absent)."""
        if name in self._groups:
            return self._groups[name][1].memory
        return self.load(name)

    def load(self, name: str) -> Tables | None:
        """A group's tables as stored (None if absent)."""
        row = self.one("SELECT body FROM documents WHERE name = ?", (name,))
        if row is None:
            return None
        self.parsed += len(row[0])
        try:
            tables = orjson.loads(row[0])
        except orjson.JSONDecodeError:
            damaged(self.root, f"document {name} is not valid JSON")
        if not isinstance(tables, dict):
            damaged(self.root, f"document {name} does not hold TinyDB tables")
        return tables

    def one(self, sql: str, args: tuple[Any, ...] = ()) -> Any:
        """The first row of a query, or None."""
        return self.run(sql, args).fetchone()

    def all(self, sql: str, args: tuple[Any, ...] = ()) -> list[Any]:
        """Every row of a query."""
        return self.run(sql, args).fetchall()

    def run(self, sql: str, args: tuple[Any, ...] = ()) -> sqlite3.Cursor:
        """Execute one statement, naming the database if SQLite finds it damaged."""
        try:
            return self.conn.execute(sql, args)
        except sqlite3.DatabaseError as exc:
            self._failed(exc)

    def many(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        """Execute one statement for each of ``rows``."""
        try:
            self.conn.executemany(sql, rows)
        except sqlite3.DatabaseError as exc:
            self._failed(exc)

    def _failed(self, exc: sqlite3.DatabaseError) -> NoReturn:
        """Name the database if ``exc`` says it is damaged; else raise ``exc`` as it is."""
        corrupt = ("malformed", "not a database", "corrupt")
        if isinstance(exc, sqlite3.OperationalError) and not any(w in str(exc) for w in corrupt):
            raise exc
        damaged(self.root, exc)

    def flush(self) -> None:
        """Write every document group changed in this session."""
        rows = [
            (name, orjson.dumps(storage.memory or {}))
            for name, (_, storage) in self._groups.items()
            if storage.dirty
        ]
        self.many("INSERT OR REPLACE INTO documents(name, body) VALUES (?, ?)", rows)
        for _, storage in self._groups.values():
            storage.dirty = False

    def release(self) -> None:
        """Write the changed document groups and forget every parsed one: a long transaction
        then holds one step's groups in memory, not every group it has touched."""
        self.flush()
        self._groups.clear()
        self.parsed = 0


@contextmanager
def transaction(root: Path, conn: sqlite3.Connection, write: bool) -> Iterator[Session]:
    """One SQLite transaction: committed when the block ends, rolled back on an exception.

    While a plugin runs (``sandbox.writes_forbidden``) a write transaction is refused.
    """
    if write and forbidden_writer():
        raise StoreError(f"{forbidden_writer()} may not write to the claimtrack database")
    try:
        conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
    except sqlite3.DatabaseError as exc:
        _refused(root, exc)
    session = Session(root, conn)
    try:
        yield session
        if write:
            session.flush()
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def lock_timeout() -> float:
    """Seconds a writer waits for the write lock (``CLAIMTRACK_LOCK_TIMEOUT``)."""
    raw = os.environ.get(LOCK_TIMEOUT_ENV)
    try:
        return float(raw) if raw else DEFAULT_LOCK_TIMEOUT
    except ValueError as exc:
        raise StoreError(f"{LOCK_TIMEOUT_ENV} must be a number of seconds, not {raw!r}") from exc


def _refused(root: Path, exc: sqlite3.DatabaseError) -> NoReturn:
    """Say why SQLite would not open the database or begin a transaction: another writer held
    it too long, or it is damaged."""
    if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
        raise StoreError(
            f"database {root} is busy: another claimtrack command held it for "
            f"{lock_timeout():g} s (set {LOCK_TIMEOUT_ENV} to wait longer)"
        )
    damaged(root, exc)
