"""The ``claimtrack`` command line: a typer app whose commands are built when they are used.

Exit codes: 0 done, 1 error, 2 usage, 3 done but a plugin failed. Errors are one line on stderr.
Command modules live in ``claimtrack.commands`` (what they share is in ``commands.options``) and
import heavy modules only when they run. The root group knows every command by its registration
and builds (with typer) only the module of the command a run names; ``--help`` lists the commands
from their registrations without building any.
"""

from __future__ import annotations

import functools
import inspect
import pkgutil
from collections.abc import Iterator, Mapping
from importlib import import_module
from typing import Annotated, Any, cast

import typer
from typer.core import TyperCommand, TyperGroup
from typer.main import get_group, solve_typer_info_defaults
from typer.models import CommandInfo, TyperInfo

from claimtrack import commands
from claimtrack.commands.options import ROOT_DB, DbOption

#: A click command as typer builds it (typer 0.28 vendors click, so click's own classes are not it).
Command = TyperCommand | TyperGroup

#: What every typer app of the command line shares (the root and each command module's).
SETTINGS: dict[str, Any] = {"pretty_exceptions_enable": False, "rich_markup_mode": None}


@functools.cache
def registrations() -> dict[str, tuple[str, CommandInfo | TyperInfo]]:
    """Every command, then every command group (typer's order), by name: its module, and how."""
    found: dict[str, tuple[str, CommandInfo]] = {}
    groups: dict[str, tuple[str, TyperInfo]] = {}
    for info in pkgutil.iter_modules(commands.__path__):
        register = getattr(import_module(f"claimtrack.commands.{info.name}"), "register", None)
        if register is None:
            continue
        probe = typer.Typer()
        register(probe)
        found |= {str(entry.name): (info.name, entry) for entry in probe.registered_commands}
        groups |= {str(entry.name): (info.name, entry) for entry in probe.registered_groups}
    return {**found, **groups}


@functools.cache
def built(module: str) -> Mapping[str, Command]:
    """The click commands of one module of ``claimtrack.commands``, built by typer."""
    app = typer.Typer(**SETTINGS)
    import_module(f"claimtrack.commands.{module}").register(app)
    return cast(Mapping[str, Command], get_group(app).commands)


class Commands(Mapping[str, Command]):
    """The root group's commands by name, each module's built on first use."""

    def __getitem__(self, name: str) -> Command:
        """The command ``name``, building its module's commands if need be."""
        return built(registrations()[name][0])[name]

    def __iter__(self) -> Iterator[str]:
        """The command names, in registration order."""
        return iter(registrations())

    def __len__(self) -> int:
        """How many commands and command groups there are."""
        return len(registrations())


class RootGroup(TyperGroup):
    """The ``claimtrack`` group: builds a command when it runs, lists them all without building."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Read-only: commands are added by the modules' register(), never to the built group.
        self.commands = Commands()  # type: ignore[assignment]

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """Each command's one-line help, as typer would give it, from its registration alone."""
        # ctx and formatter are click's or typer's vendored click's classes, by typer's version.
        summaries = [summary(name, entry) for name, (_, entry) in registrations().items()]
        shown = [command for command in summaries if not command.hidden]
        if not shown:
            return
        limit = formatter.width - 6 - max(len(str(command.name)) for command in shown)
        with formatter.section("Commands"):
            formatter.write_dl([(str(c.name), c.get_short_help_str(limit)) for c in shown])


def summary(name: str, entry: CommandInfo | TyperInfo) -> TyperCommand:
    """A command without parameters that carries ``entry``'s help, as typer resolves it."""
    if isinstance(entry, TyperInfo):
        solved = solve_typer_info_defaults(entry)
        return TyperCommand(name, help=solved.help, short_help=None, hidden=solved.hidden)
    text = inspect.getdoc(entry.callback) if entry.help is None else inspect.cleandoc(entry.help)
    return TyperCommand(
        name,
        help=text,
        short_help=entry.short_help,
        hidden=entry.hidden,
        deprecated=entry.deprecated,
    )


def build_app() -> typer.Typer:
    """The command line: the root options and, built on use, every command."""
    app = typer.Typer(
        name="claimtrack",
        help="Find the checkable claims in news articles and track their verification.",
        cls=RootGroup,
        no_args_is_help=True,
        add_completion=True,
        **SETTINGS,
    )
    # The callback also keeps the app a group of commands even when it holds only one.
    app.callback()(_root_options)
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


app = build_app()


def main() -> None:
    """Console-script entry point."""
    app()
