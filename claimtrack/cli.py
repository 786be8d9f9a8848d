"""The ``claimtrack`` command line: builds the typer app, maps failures to exit codes.

Exit codes: 0 done, 1 error, 2 usage, 3 done but a plugin failed. Errors are one line on stderr.
Command modules live in ``claimtrack.commands`` and import heavy modules only when they run.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from claimtrack.errors import ClaimtrackError

PLUGIN_FAILED = 3

F = TypeVar("F", bound=Callable[..., Any])

DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db", help="Database folder [env: CLAIMTRACK_DB; default: per-user data folder]."
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]
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

app = typer.Typer(
    name="claimtrack",
    help="Find the checkable claims in news articles and track their verification.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


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


def open_store(db: Path | None) -> Any:
    """The store at ``--db``, ``CLAIMTRACK_DB`` or the per-user default."""
    from claimtrack.store import Store, default_db_path

    return Store(db or default_db_path())


def plugin_host(disable: list[str] | None, plugins_dir: Path | None) -> Any:
    """Load the plugins for a command."""
    from claimtrack.plugins import load_plugins

    return load_plugins(disable=disable or (), plugins_dir=plugins_dir)


def _register_commands() -> None:
    from claimtrack.commands import db, desk, eval_cmd, exchange, plugins_cmd, scan

    for module in (scan, desk, plugins_cmd, db, eval_cmd, exchange):
        module.register(app)


_register_commands()


def main() -> None:
    """Console-script entry point."""
    app()
