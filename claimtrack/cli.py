"""The ``claimtrack`` command line: builds the typer app, maps failures to exit codes.

Exit codes: 0 done, 1 error, 2 usage, 3 done but a plugin failed. Errors are one line on stderr.
Command modules live in ``claimtrack.commands`` and import heavy modules only when they run.
A run of one command imports and builds only the module that defines it; ``app`` (the whole
command line, for tests and embedding) is built on first use.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from claimtrack.errors import ClaimtrackError

if TYPE_CHECKING:
    from claimtrack.model import Metadata
    from claimtrack.store import Store

PLUGIN_FAILED = 3

F = TypeVar("F", bound=Callable[..., Any])

DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db", help="Database folder [env: CLAIMTRACK_DB; default: per-user data folder]."
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

#: The commands (and command groups) each module of ``claimtrack.commands`` registers, in order.
MODULES: dict[str, tuple[str, ...]] = {
    "scan": ("scan",),
    "watch": ("watch",),
    "desk": ("claims", "show", "mark", "verify", "dispute", "evidence", "note", "history", "log",
             "undo", "articles", "similar", "search", "diff", "report"),
    "contradictions": ("contradictions",),
    "plugins_cmd": ("plugins",),
    "db": ("db",),
    "eval_cmd": ("eval",),
    "exchange": ("export", "import"),
    "docs_cmd": ("docs",),
    "review_cmd": ("review",),
}  # fmt: skip


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


def open_store(db: Path | None) -> Store:
    """The store at ``--db``, ``CLAIMTRACK_DB`` or the per-user default."""
    from claimtrack.store import open_store as open_database

    return open_database(db)


def plugin_host(disable: list[str] | None, plugins_dir: Path | None) -> Any:
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


def build_app(command: str | None = None) -> typer.Typer:
    """The command line: every command, or only those of the module that defines ``command``."""
    app = typer.Typer(
        name="claimtrack",
        help="Find the checkable claims in news articles and track their verification.",
        no_args_is_help=True,
        add_completion=True,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
    )
    # The callback also keeps the app a group of commands even when it holds only one.
    app.callback()(_root_options)
    modules = [m for m, commands in MODULES.items() if command in commands] or list(MODULES)
    for module in modules:
        import_module(f"claimtrack.commands.{module}").register(app)
    return app


def _print_version(wanted: bool) -> None:
    if wanted:
        from importlib.metadata import version

        typer.echo(f"claimtrack {version('claimtrack')}")
        raise typer.Exit()


def _root_options(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            help="Print claimtrack's version and exit.",
            callback=_print_version,
            is_eager=True,
        ),
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show the traceback of each plugin that fails.")
    ] = False,
) -> None:
    from claimtrack import terminal

    terminal.debug = debug


def __getattr__(name: str) -> Any:
    """Build ``app``, the whole command line, on first use (PEP 562)."""
    if name != "app":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()["app"] = app = build_app()
    return app


def main() -> None:
    """Console-script entry point."""
    build_app(sys.argv[1] if len(sys.argv) > 1 else None)()
