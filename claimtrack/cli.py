"""The ``claimtrack`` command line: builds the typer app from the command modules.

Exit codes: 0 done, 1 error, 2 usage, 3 done but a plugin failed. Errors are one line on stderr.
Command modules live in ``claimtrack.commands`` (what they share is in ``commands.options``) and
import heavy modules only when they run. A run of one command builds only the module that
registers it; ``app`` (the whole command line, for tests and embedding) is built on first use.
"""

from __future__ import annotations

import functools
import pkgutil
import sys
from importlib import import_module
from typing import Annotated, Any

import typer

from claimtrack import commands
from claimtrack.commands.options import ROOT_DB, DbOption


@functools.cache
def modules() -> dict[str, tuple[str, ...]]:
    """The commands (and command groups) each module of ``claimtrack.commands`` registers."""
    found = {}
    for info in pkgutil.iter_modules(commands.__path__):
        module = import_module(f"claimtrack.commands.{info.name}")
        register = getattr(module, "register", None)
        if register is None:
            continue
        probe = typer.Typer()
        register(probe)
        names = [c.name for c in probe.registered_commands]
        names += [g.name for g in probe.registered_groups]
        found[info.name] = tuple(str(name) for name in names)
    return found


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
    table = modules()
    chosen = [m for m, names in table.items() if command in names] or list(table)
    for module in chosen:
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
    db: DbOption = None,
) -> None:
    from claimtrack import terminal

    terminal.debug = debug
    ROOT_DB.set(db)


def __getattr__(name: str) -> Any:
    """Build ``app``, the whole command line, on first use (PEP 562)."""
    if name != "app":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()["app"] = app = build_app()
    return app


def main() -> None:
    """Console-script entry point."""
    build_app(_command(sys.argv[1:]))()


def _command(args: list[str]) -> str | None:
    """The command a run names: the first argument that is not a root option or its value."""
    rest = iter(args)
    for arg in rest:
        if arg == "--db":
            next(rest, None)
        elif not arg.startswith("--"):
            return arg
    return None
