"""``claimtrack plugins``: list the plugins, where they come from, their hooks and status."""

from __future__ import annotations

from typing import Annotated

import typer

from claimtrack.cli import DisableOption, JsonOption, PluginsDirOption, guarded, plugin_host


@guarded
def plugins(
    all_plugins: Annotated[
        bool, typer.Option("--all", help="Also list core defaults, disabled and failed plugins.")
    ] = False,
    json: JsonOption = False,
    disable: DisableOption = None,
    plugins_dir: PluginsDirOption = None,
) -> None:
    """List the plugins claimtrack loads."""
    from rich.table import Table

    from claimtrack.terminal import print_json, safe, stdout

    host = plugin_host(disable, plugins_dir)
    infos = [
        info
        for info in host.infos.values()
        if all_plugins or (info.origin != "core" and info.status != "disabled") or info.status == "failed"
    ]
    if json:
        print_json([info.to_json() for info in infos])
        return
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


def register(app: typer.Typer) -> None:
    """Add ``plugins`` to the app."""
    app.command("plugins")(plugins)
