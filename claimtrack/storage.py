"""Crash-safe TinyDB storage: files read once per transaction and written atomically, together.

A database is a folder of small TinyDB JSON files. Within one transaction (under the folder's
file lock) each file is parsed at most once and written at most once. When a transaction
changes several files, their new contents are first written and synced, one by one, to
``.staging/``, then a small journal naming them is written; a crash after the journal is complete
is repaired by moving the staged files into place on the next open, so a transaction is applied
wholly or not at all, and a commit never holds a second copy of what it writes. Every file
write is atomic (temporary file, fsync, rename) and the previous version is kept beside it as
``NAME.bak``.

A transaction holds parsed only the files it opens. Files it changes without needing to read
them (``edit``, ``insert``: the word shards a batch of claims is posted under, the earlier
articles a repeated claim links back to) are not opened: the changes are kept, and at commit
each such file is read, changed, serialised, staged and freed in turn, so a commit holds one
parsed file at a time (and a few payloads being synced), however many it changes.
"""

from __future__ import annotations

import functools
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import orjson
from filelock import FileLock, Timeout
from tinydb import TinyDB
from tinydb.storages import Storage

from claimtrack.errors import StoreError
from claimtrack.sandbox import forbidden_writer

JOURNAL = "journal.json"
#: Folder of the new versions of a multi-file commit, until the journal moves them into place.
STAGING = ".staging"
LOCK = ".lock"
LOCK_TIMEOUT_ENV = "CLAIMTRACK_LOCK_TIMEOUT"
#: Seconds a command waits for another claimtrack process to finish with the database.
DEFAULT_LOCK_TIMEOUT = 30.0
#: Threads writing and syncing the files of one commit.
SYNC_THREADS = 16
_T = TypeVar("_T")
_R = TypeVar("_R")
#: A change to a file's parsed tables, made in place (see ``Transaction.edit``).
Change = Callable[[dict[str, dict[str, Any]]], None]


def backup_path(path: Path) -> Path:
    """Where the previous version of a database file is kept."""
    return path.with_name(path.name + ".bak")


def read_json(path: Path) -> Any:
    """Parse a database file; raise ``StoreError`` naming the backup if it is unreadable."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc.strerror}") from exc
    if not data.strip():
        _corrupt(path, "it is empty")
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        _corrupt(path, "it is not valid JSON (truncated or damaged)")


def _corrupt(path: Path, why: str) -> NoReturn:
    backup = backup_path(path)
    hint = (
        f"; the previous version is {backup} (claimtrack db restore)"
        if backup.exists()
        else "; no backup exists"
    )
    raise StoreError(f"database file {path} is unreadable: {why}{hint}")


def write_atomic(path: Path, payload: bytes, keep_backup: bool = True) -> None:
    """Replace ``path`` with ``payload`` atomically, keeping the old version as ``.bak``."""
    write_all({path: payload}, keep_backup)


def write_all(payloads: dict[Path, bytes], keep_backup: bool = True) -> None:
    """Replace each file atomically (see ``write_atomic``), syncing each folder only once.

    Every file's data is on disk before it is renamed into place, and every rename is on disk
    when this returns. Each file is replaced atomically; the set is not (that is the journal's
    job), so a folder's sync can be shared by all the files renamed into it. The files of a
    large set are written, synced and renamed by several threads at once: the file system then
    commits their syncs (and frees the blocks of the versions they replace) together, many times
    faster than one after another.
    """
    try:
        staged = _parallel(_stage_temporary, list(payloads.items()))
    except BaseException:
        for path in payloads:
            _temporary(path).unlink(missing_ok=True)
        raise
    _parallel(functools.partial(_install, keep_backup=keep_backup), staged)
    _parallel(_fsync_dir, list(dict.fromkeys(path.parent for _, path in staged)))


def _stage_temporary(item: tuple[Path, bytes]) -> tuple[Path, Path]:
    """Write and sync the temporary file that will replace ``path``."""
    path, payload = item
    tmp = _temporary(path)
    _write_synced(tmp, payload)
    return tmp, path


def _write_synced(path: Path, payload: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(payload)
        handle.flush()
        os.fsync(handle.fileno())


def _install(staged: tuple[Path, Path], keep_backup: bool) -> None:
    """Rename a synced temporary file into place, keeping the old version as the backup."""
    tmp, path = staged
    if keep_backup and path.exists():
        link = path.with_name(f".{path.name}.{os.getpid()}.bak")
        link.unlink(missing_ok=True)
        os.link(path, link)  # a hard link: the old version survives the rename below
        os.replace(link, backup_path(path))
    os.replace(tmp, path)


def _temporary(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def _parallel(work: Callable[[_T], _R], items: list[_T]) -> list[_R]:
    """``work`` on every item, by up to ``SYNC_THREADS`` threads when there are several."""
    if len(items) < 3:
        return [work(item) for item in items]
    with ThreadPoolExecutor(min(SYNC_THREADS, len(items))) as pool:
        return list(pool.map(work, items))


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class BufferedStorage(Storage):
    """TinyDB storage that reads its file once and keeps writes in memory until the commit."""

    def __init__(self, path: str) -> None:
        self.path = Path(path)
        self.data: dict[str, dict[str, Any]] | None = None
        self.loaded = False
        self.dirty = False

    def read(self) -> dict[str, dict[str, Any]] | None:
        """The file's tables (parsed on the first call only)."""
        if not self.loaded:
            parsed = read_json(self.path)
            if parsed is not None and not isinstance(parsed, dict):
                _corrupt(self.path, "it does not hold TinyDB tables")
            self.data, self.loaded = parsed, True
        return self.data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        """Keep the new state in memory; the transaction writes it at commit."""
        self.data, self.loaded, self.dirty = data, True, True

    def payload(self) -> bytes:
        """The serialised state to write."""
        return orjson.dumps(self.data or {})

    def tables(self) -> dict[str, dict[str, Any]]:
        """The parsed tables themselves, to read or change in place (empty for a new file)."""
        if self.read() is None:
            self.data = {}
        assert self.data is not None
        return self.data


class Transaction:
    """The open TinyDB files of one locked unit of work."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.files: dict[Path, TinyDB] = {}
        self.edits: dict[Path, list[Change]] = {}
        self.obsolete: set[Path] = set()
        self._paths: dict[str, Path] = {}

    def path(self, relative: str) -> Path:
        """The path of a file of the database."""
        found = self._paths.get(relative)
        if found is None:
            found = self._paths[relative] = self.root / relative
        return found

    def db(self, relative: str) -> TinyDB:
        """The TinyDB of a file of the database (parsed once per transaction)."""
        path = self.path(relative)
        if path not in self.files:
            path.parent.mkdir(parents=True, exist_ok=True)
            db = self.files[path] = TinyDB(str(path), storage=BufferedStorage)
            changes = self.edits.pop(path, None)
            if changes:
                storage = db.storage
                assert isinstance(storage, BufferedStorage)
                _apply(storage.tables(), changes)
                storage.dirty = True
        return self.files[path]

    def edit(self, relative: str, change: Change) -> None:
        """Change a file at commit, without reading or holding it now.

        ``change`` is given the file's parsed tables (empty for a new file) and changes them in
        place. It may be applied more than once, each time to a fresh copy (``peek``, or a file
        opened later in the transaction), so it must change nothing but the tables it is given.
        A file open in this transaction is changed at once; then ``change`` must not add
        documents (use ``insert``), as TinyDB would not know their ids.
        """
        path = self.path(relative)
        db = self.files.get(path)
        if db is None:
            self.edits.setdefault(path, []).append(change)
            return
        storage = self._storage(relative)
        change(storage.tables())
        storage.dirty = True
        for name in db.tables():
            db.table(name).clear_cache()

    def insert(self, relative: str, table: str, document: dict[str, Any]) -> None:
        """Append a document to a TinyDB table of a file, with the id TinyDB would give it.

        Like ``edit``, the file is read and written at commit unless it is open already.
        """
        if self.is_open(relative):
            self.db(relative).table(table).insert(document)
        else:
            self.edit(relative, functools.partial(_append, table, document))

    def is_open(self, relative: str) -> bool:
        """Whether a file is open in this transaction (read through it, or to be written)."""
        return self.path(relative) in self.files

    def exists(self, relative: str) -> bool:
        """Whether a file of the database exists (or was created in this transaction)."""
        path = self.path(relative)
        return path in self.files or path in self.edits or path.exists()

    def tables(self, relative: str) -> dict[str, dict[str, Any]]:
        """A file's parsed tables, without TinyDB documents: fast for large or many files.

        Changes made in place are written at commit once ``changed`` names the file. Files
        handled this way are not read through TinyDB tables in the same transaction.
        """
        return self._storage(relative).tables()

    def changed(self, relative: str) -> None:
        """Write a file whose ``tables`` were changed in place at commit."""
        self._storage(relative).dirty = True

    def replace(self, relative: str, tables: dict[str, dict[str, Any]]) -> None:
        """Give a file new contents (written at commit) without reading the old ones."""
        self._storage(relative).write(tables)

    def peek(self, relative: str) -> dict[str, dict[str, Any]]:
        """A file's parsed tables, read without keeping them open (the open copy if it is open).

        Changes to come at commit (``edit``) are made to the copy returned.
        """
        path = self.path(relative)
        if path in self.files:
            return self.tables(relative)
        return _read_edited(path, self.edits.get(path, ()))

    def remove(self, relative: str) -> None:
        """Delete a file no longer used (and its backup) once the commit has succeeded.

        Only for files nothing reads any more: a crash before the deletion leaves them behind,
        unused.
        """
        self.obsolete.add(self.path(relative))

    def _storage(self, relative: str) -> BufferedStorage:
        storage = self.db(relative).storage
        assert isinstance(storage, BufferedStorage)
        return storage

    def commit(self) -> None:
        """Write every changed file, through the journal when there are several.

        Files marked with ``remove`` are deleted afterwards.
        """
        if self.obsolete and forbidden_writer():
            raise StoreError(f"{forbidden_writer()} may not write to the claimtrack database")
        self._write()
        for path in sorted(self.obsolete):
            path.unlink(missing_ok=True)
            backup_path(path).unlink(missing_ok=True)

    def _write(self) -> None:
        changed: list[tuple[Path, BufferedStorage | list[Change]]] = [
            (path, storage)
            for path, db in self.files.items()
            if isinstance(storage := db.storage, BufferedStorage) and storage.dirty
        ]
        changed.extend(self.edits.items())
        if not changed:
            return
        forbidden = forbidden_writer()
        if forbidden:
            raise StoreError(f"{forbidden} may not write to the claimtrack database")
        if len(changed) == 1:
            [(path, source)] = changed
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, _payload(path, source))
            return
        staging = self.root / STAGING
        staging.mkdir(exist_ok=True)
        names = [(path, f".{n}.tmp", source) for n, (path, source) in enumerate(changed)]
        _stage(staging, names)
        self.edits.clear()
        entries = {str(path.relative_to(self.root)): name for path, name, _ in names}
        _fsync_dir(staging)
        write_atomic(self.root / JOURNAL, orjson.dumps({"staged": entries}), keep_backup=False)
        _finish(self.root, entries)


def _stage(staging: Path, names: list[tuple[Path, str, BufferedStorage | list[Change]]]) -> None:
    """Write and sync the new version of each changed file to the staging folder.

    Each is serialised (an edited file read and changed first) here, one at a time, and let go
    of once written. Only writing and syncing are left to ``SYNC_THREADS`` threads, with at
    most that many payloads waiting: files parsed and serialised in many threads would leave
    their memory spread over as many allocator arenas, which the process keeps.
    """
    with ThreadPoolExecutor(SYNC_THREADS) as pool:
        waiting: deque[Future[None]] = deque()
        for path, name, source in names:
            waiting.append(pool.submit(_write_synced, staging / name, _payload(path, source)))
            if isinstance(source, BufferedStorage):
                source.data, source.loaded = None, False  # the transaction is ending: free it
            if len(waiting) >= SYNC_THREADS:
                waiting.popleft().result()
        for written in waiting:
            written.result()


def _payload(path: Path, source: BufferedStorage | list[Change]) -> bytes:
    """The new contents of a changed file: an open file's, or the file read and ``edit``ed."""
    if isinstance(source, BufferedStorage):
        return source.payload()
    return orjson.dumps(_read_edited(path, source))


def _read_edited(path: Path, changes: Iterable[Change]) -> dict[str, dict[str, Any]]:
    """A file's parsed tables (empty if it does not exist) with ``changes`` made to them."""
    parsed = read_json(path)
    if parsed is not None and not isinstance(parsed, dict):
        _corrupt(path, "it does not hold TinyDB tables")
    tables: dict[str, dict[str, Any]] = parsed or {}
    _apply(tables, changes)
    return tables


def _apply(tables: dict[str, dict[str, Any]], changes: Iterable[Change]) -> None:
    for change in changes:
        change(tables)


def _append(table: str, document: dict[str, Any], tables: dict[str, dict[str, Any]]) -> None:
    """Add a document to a table under the id TinyDB gives: one more than the largest."""
    documents = tables.setdefault(table, {})
    documents[str(max(map(int, documents), default=0) + 1)] = document


def apply_journal(root: Path) -> bool:
    """Finish an interrupted multi-file commit; return whether there was one to finish.

    Without a journal, staged files are what a commit left before its journal was complete:
    they are deleted, and the commit is as if it never began.
    """
    journal = root / JOURNAL
    entries = read_json(journal)
    if entries is None:
        _clear_staging(root)
        return False
    if not isinstance(entries, dict):
        _corrupt(journal, "it does not list the files of a commit")
    if "staged" in entries:
        staged = entries["staged"]
        if not isinstance(staged, dict) or not all(isinstance(n, str) for n in staged.values()):
            _corrupt(journal, "it does not list the staged files of a commit")
        _finish(root, staged)
        return True
    # A journal written by claimtrack 0.1 holds the new contents themselves.
    targets = {root / relative: text.encode() for relative, text in entries.items()}
    for folder in {target.parent for target in targets}:
        folder.mkdir(parents=True, exist_ok=True)
    write_all(targets)
    journal.unlink()
    _fsync_dir(root)
    return True


def _finish(root: Path, entries: dict[str, str]) -> None:
    """Move the staged files a complete journal names into place, then delete the journal.

    A staged file that is gone was moved already (by the commit, or a replay cut short).
    """
    staging = root / STAGING
    moves = []
    for relative, name in entries.items():
        tmp = staging / name
        if tmp.exists():
            target = root / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            moves.append((tmp, target))
    _parallel(functools.partial(_install, keep_backup=True), moves)
    _parallel(_fsync_dir, list(dict.fromkeys(target.parent for _, target in moves)))
    (root / JOURNAL).unlink()
    _fsync_dir(root)
    _clear_staging(root)


def _clear_staging(root: Path) -> None:
    staging = root / STAGING
    if staging.is_dir():
        for leftover in staging.iterdir():
            leftover.unlink()


@contextmanager
def locked(root: Path, timeout: float | None = None) -> Iterator[Transaction]:
    """Lock the database folder, finish any interrupted commit, and yield a transaction.

    The transaction is committed when the block ends without an exception; otherwise nothing is
    written. The lock is an OS file lock, released by the kernel if the holder is killed.
    """
    root.mkdir(parents=True, exist_ok=True)
    wait = timeout if timeout is not None else _lock_timeout()
    lock = FileLock(str(root / LOCK), timeout=wait)
    try:
        lock.acquire()
    except Timeout as exc:
        raise StoreError(
            f"database {root} is busy: another claimtrack command held it for {wait:g} s "
            f"(set {LOCK_TIMEOUT_ENV} to wait longer)"
        ) from exc
    try:
        apply_journal(root)
        transaction = Transaction(root)
        yield transaction
        transaction.commit()
    finally:
        lock.release()


def _lock_timeout() -> float:
    raw = os.environ.get(LOCK_TIMEOUT_ENV)
    try:
        return float(raw) if raw else DEFAULT_LOCK_TIMEOUT
    except ValueError as exc:
        raise StoreError(f"{LOCK_TIMEOUT_ENV} must be a number of seconds, not {raw!r}") from exc
