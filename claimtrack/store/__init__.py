"""Stored claims: the ``Store`` interface, its records, and opening a database.

``open_store(db)`` gives the store at a path (the embedded desk: TinyDB documents in one SQLite
file, ``embedded.py``) or a ``postgresql://`` URL (a team desk on a server, ``postgres.py``).
Everything above storage (the CLI, the report, exports, the review
queue, scripts and notebooks) uses only the ``Store`` interface and the records it returns, plain
dataclasses whose ``to_json()`` is what ``--json`` prints::

    import claimtrack, pandas
    store = claimtrack.open_store("~/desk")
    store.save_scans([claimtrack.scan("article.txt")])
    frame = pandas.DataFrame(c.to_json() for c in store.claims())

What every backend promises (a second one, on a database server, implements the same
``Store``): claim ids are deterministic keys (the same article text and span give the same id on
any machine) and any unique prefix of four or more hex digits names a claim; each call is one
atomic change or one consistent read (``session()`` reads several calls from one snapshot); the
history is append-only, every ``Change`` with its author (``by``, default ``CLAIMTRACK_USER`` or
the login name) and, for a status change, the status ``before``; failures are ``StoreError``
(``UsageError`` for values that make no sense) with one line a person can act on, never an
engine's own exception. ``location`` names the database in messages (a server's URL without
its password).
"""

from __future__ import annotations

import os
from pathlib import Path

from claimtrack.store.interface import (
    LINK_THRESHOLD,
    SEARCH_THRESHOLD,
    USER_ENV,
    Filters,
    Store,
    current_user,
)
from claimtrack.store.locations import is_server
from claimtrack.store.records import (
    ArticleRecord,
    ArticleSection,
    Change,
    ClaimMatch,
    ClaimRecord,
    ContradictionRecord,
    Dashboard,
    Evidence,
    Link,
    Match,
    Note,
    Rescan,
    Side,
    StoredArticle,
    Summary,
)
from claimtrack.user_config import user_setting

DB_ENV = "CLAIMTRACK_DB"


def configured_db() -> str | None:
    """The database named without ``--db``: ``CLAIMTRACK_DB``, else ``location`` under ``[db]``
    in the user configuration file (:mod:`claimtrack.user_config`); None when neither is set."""
    return os.environ.get(DB_ENV) or user_setting("db", "location")


def default_db_path() -> Path:
    """The per-user data folder (platformdirs): the desk used when no database is named."""
    from platformdirs import user_data_path

    return user_data_path("claimtrack", appauthor=False) / "db"


def open_store(db: Path | str | None = None) -> Store:
    """The store at ``db`` (default: :func:`configured_db`, else the per-user data folder).

    A ``postgresql://user@host/dbname`` URL opens a team desk on a PostgreSQL server
    (``postgres.py``); anything else is a folder, the embedded desk. The database is created
    on first use if it does not exist (a server's database must exist, empty); a folder of an
    older claimtrack is upgraded.
    """
    chosen = db if db is not None else configured_db()
    if is_server(chosen):
        from claimtrack.store.postgres import PostgresStore

        return PostgresStore(str(chosen))
    from claimtrack.store.embedded import EmbeddedStore

    return EmbeddedStore(Path(chosen).expanduser() if chosen else default_db_path())


__all__ = [
    "DB_ENV",
    "LINK_THRESHOLD",
    "SEARCH_THRESHOLD",
    "USER_ENV",
    "ArticleRecord",
    "ArticleSection",
    "Change",
    "ClaimMatch",
    "ClaimRecord",
    "ContradictionRecord",
    "Dashboard",
    "Evidence",
    "Filters",
    "Link",
    "Match",
    "Note",
    "Rescan",
    "Side",
    "Store",
    "StoredArticle",
    "Summary",
    "configured_db",
    "current_user",
    "default_db_path",
    "open_store",
]
