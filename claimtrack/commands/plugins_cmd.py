"""``claimtrack plugins``: list the plugins, and ``plugins new`` to start writing one."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from claimtrack.commands.options import (
    DisableOption,
    JsonOption,
    PluginsDirOption,
    guarded,
    plugin_host,
)

plugins_app = typer.Typer(
    name="plugins",
    help="List the plugins claimtrack loads, or scaffold a new one.",
    invoke_without_command=True,
    rich_markup_mode=None,
)


@plugins_app.callback()
@guarded
def plugins(
    ctx: typer.Context,
    all_plugins: Annotated[
        bool, typer.Option("--all", help="Also list core defaults, disabled and failed plugins.")
    ] = False,
    json: JsonOption = False,
    disable: DisableOption = None,
    plugins_dir: PluginsDirOption = None,
) -> None:
    """List the plugins claimtrack loads (or run a subcommand)."""
    if ctx.invoked_subcommand is not None:
        return
    from claimtrack.terminal import print_json, safe, stdout

    host = plugin_host(disable, plugins_dir)
    infos = [
        info
        for info in host.infos.values()
        if all_plugins
        or (info.origin != "core" and info.status != "disabled")
        or info.status == "failed"
    ]
    if json:
        print_json([info.to_json() for info in infos])
        return
    from rich.table import Table

    table = Table(title="Plugins", title_justify="left")
    for column in ("name", "origin", "hooks", "status"):
        table.add_column(column)
    styles = {"loaded": "green", "disabled": "bright_black", "failed": "red"}
    for info in infos:
        status = info.status + (f": {info.error}" if info.error else "")
        table.add_row(
            safe(info.name),
            safe(info.origin),
            safe(", ".join(h.removeprefix("claimtrack_") for h in info.hooks) or "—"),
            safe(status, style=styles.get(info.status, "")),
        )
    stdout().print(table)


@plugins_app.command("new")
@guarded
def new(
    name: Annotated[str, typer.Argument(help="Plugin name, e.g. promises (lower case, - or _).")],
    directory: Annotated[
        Path | None,
        typer.Option("--dir", help="Folder to create [default: ./claimtrack-NAME]."),
    ] = None,
    json: JsonOption = False,
) -> None:
    """Write an installable plugin package: pyproject, hook module, test and README."""
    from claimtrack.scaffold import scaffold
    from claimtrack.terminal import print_json, safe, stdout

    root, files = scaffold(name, directory)
    if json:
        print_json({"path": str(root), "files": [str(f) for f in files]})
        return
    console = stdout()
    console.print(safe(f"created {root}", style="bold"))
    for file in files:
        console.print(safe(f"  {file}"))
    console.print(safe(f"next: cd {root} && python -m pytest && pip install ."))


def register(app: typer.Typer) -> None:
    """Add the ``plugins`` group to the app."""
    app.add_typer(plugins_app, name="plugins")
