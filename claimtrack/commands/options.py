"""What every command shares: its options, error handling, and what the options open.

Commands import from here, never from ``claimtrack.cli`` or from each other. ``--db`` is also
accepted before the command (``claimtrack --db FOLDER claims``): ``cli.py`` keeps it in
``ROOT_DB``, and ``database`` finds it there. A ``postgresql://`` URL names a team desk on a
PostgreSQL server instead of a folder.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from claimtrack.errors import ClaimtrackError

if TYPE_CHECKING:
    from claimtrack.model import Metadata
    from claimtrack.plugins import PluginHost
    from claimtrack.store import Store

PLUGIN_FAILED = 3
#: A ``--db`` given before the command: ``cli.py`` sets it at every run.
ROOT_DB: ContextVar[str | None] = ContextVar("claimtrack_root_db", default=None)

F = TypeVar("F", bound=Callable[..., Any])

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database folder, or postgresql://user@host/dbname for a team desk "
        "[env: CLAIMTRACK_DB; default: per-user data folder].",
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]
#: ``--status`` means the same on every command: the claims that now have this status.
StatusOption = Annotated[
    str | None,
    typer.Option(
        "--status",
        "--where-status",
        help="Only claims that now have this status (in-progress, In Progress... alike).",
    ),
]
DisableOption = Annotated[
    list[str] | None,
    typer.Option(
        "--disable", help="Plugin to block (repeatable) [env: CLAIMTRACK_DISABLE_PLUGINS]."
    ),
]
PluginsDirOption = Annotated[
    Path | None,
    typer.Option(
        "--plugins-dir", help="Folder of .py plugin files to load [env: CLAIMTRACK_PLUGINS_DIR]."
    ),
]
NoteOption = Annotated[str | None, typer.Option("--note", help="Why: kept in the history.")]
ByOption = Annotated[str | None, typer.Option("--by", help="Who decided [env: CLAIMTRACK_USER].")]
ArticleOption = Annotated[str | None, typer.Option(help="Article id prefix or source path.")]
TypeOption = Annotated[str | None, typer.Option("--type", help="Only claims of this type.")]
SpeakerOption = Annotated[str | None, typer.Option(help="Only claims whose speaker contains this.")]
MinScoreOption = Annotated[float | None, typer.Option(help="Only claims scoring at least this.")]


def guarded(function: F) -> F:
    """Turn claimtrack errors raised by a command into one line on stderr and an exit code."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from claimtrack.terminal import error

        try:
            return function(*args, **kwargs)
        except ClaimtrackError as exc:
            error(str(exc))
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            error("interrupted")
            raise typer.Exit(130) from None
        except OSError as exc:
            error(f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": "))
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


def database(db: str | None) -> Path | str:
    """The database: ``--db`` (after or before the command), ``CLAIMTRACK_DB``, ``[db] location``
    in the user configuration, or the per-user default; a server's URL as given, a folder as a
    path."""
    from claimtrack.store import configured_db, default_db_path
    from claimtrack.store.locations import is_server

    chosen = db if db is not None else ROOT_DB.get()
    if chosen is None:
        chosen = configured_db()
    if is_server(chosen):
        return str(chosen)
    return Path(chosen).expanduser() if chosen else default_db_path()


def database_folder(db: str | None, command: str) -> Path:
    """The database folder the options name; a server's URL is refused (``command`` is the
    embedded desk's alone)."""
    from claimtrack.errors import UsageError
    from claimtrack.store.locations import redact

    location = database(db)
    if isinstance(location, str):
        raise UsageError(
            f"claimtrack {command} works on a database folder, not on {redact(location)} "
            "(use PostgreSQL's own tools there)"
        )
    return location


def open_store(db: str | None, create: bool = False) -> Store:
    """The store the options name.

    A database folder named by ``--db``, ``CLAIMTRACK_DB`` or the user configuration whose
    parent folder does not exist is a mistyped path, refused, unless the command creates
    databases (``create``: ``scan``, ``import``, ``watch``, which say so with ``announce_new``).
    """
    from claimtrack.errors import UsageError
    from claimtrack.store import configured_db
    from claimtrack.store import open_store as open_database

    path = database(db)
    if isinstance(path, str):
        return open_database(path)
    named = db is not None or ROOT_DB.get() is not None or configured_db()
    if named and not create and not path.parent.is_dir():
        raise UsageError(f"no database at {path}: the folder {path.parent} does not exist")
    return open_database(path)


def announce_new(store: Store) -> None:
    """Say once, on stderr, that a command's first write made a new database."""
    if store.created:
        from claimtrack.terminal import stderr

        stderr().print(f"new database at {store.location}", style="dim", soft_wrap=True)


def plugin_host(disable: list[str] | None, plugins_dir: Path | None) -> PluginHost:
    """Load the plugins for a command."""
    from claimtrack.plugins import load_plugins

    return load_plugins(disable=disable or (), plugins_dir=plugins_dir)


def warn_decoded(source: str, metadata: Metadata) -> None:
    """Name on stderr how a source that was not clean UTF-8 was decoded (if it was not)."""
    from claimtrack.terminal import warn

    if metadata.invalid_bytes:
        count = metadata.invalid_bytes
        warn(f"{source}: {count} invalid UTF-8 byte{'s' * (count != 1)} replaced with U+FFFD")
    elif metadata.decoded_as:
        warn(f"{source}: not UTF-8, decoded as {metadata.decoded_as}")
