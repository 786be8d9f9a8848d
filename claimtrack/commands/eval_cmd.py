"""``claimtrack eval``: score plugins on labelled data, or two plugin sets side by side."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from claimtrack.commands.options import (
    PLUGIN_FAILED,
    DisableOption,
    JsonOption,
    PluginsDirOption,
    guarded,
    plugin_host,
    warn_decoded,
)


class Format(StrEnum):
    """The data formats ``eval`` reads."""

    gold = "gold"
    checkthat = "checkthat"
    transcripts = "transcripts"
    polnear = "polnear"
    news = "news"


@guarded
def eval_command(
    path: Annotated[Path, typer.Argument(help="The data set: a file or folder in --format.")],
    fmt: Annotated[
        Format,
        typer.Option(
            "--format",
            help="gold: a *.gold.json article; checkthat: CheckThat! 2024 sentence TSV; "
            "transcripts: folder of CheckThat! 2019 debate TSVs (MAP); polnear: PolNeAR split "
            "folder; news: folder of sentence-labelled news (sentences/, labels_*/, text/).",
        ),
    ],
    json: JsonOption = False,
    disable: DisableOption = None,
    compare_disable: Annotated[
        list[str] | None,
        typer.Option(
            "--compare-disable",
            help="Also score with these plugins blocked (repeatable) and show both side by side.",
        ),
    ] = None,
    plugins_dir: PluginsDirOption = None,
) -> None:
    """Score the active plugins on a labelled data set (P/R/F1, or MAP for transcripts).

    Run A blocks ``--disable``; run B, when ``--compare-disable`` is given, blocks those plugins
    as well. Plugins blocked by ``CLAIMTRACK_DISABLE_PLUGINS`` are blocked in both runs.
    """
    from claimtrack.evaluation import evaluate
    from claimtrack.plugins import disabled_from_env
    from claimtrack.terminal import print_json, warn, warn_failure

    from_env = sorted(disabled_from_env())
    plans = [("A", "--disable", _unique(disable or []))]
    if compare_disable is not None:
        plans.append(("B", "--compare-disable", _unique([*plans[0][2], *compare_disable])))
    runs: dict[str, dict[str, Any]] = {}
    unmatched: dict[str, str] = {}
    plugin_failed = False
    for label, option, blocked in plans:
        host = plugin_host(blocked, plugins_dir)
        for failure in host.take_failures():
            warn_failure(failure)
            plugin_failed = True
        for name in blocked:
            info = host.infos.get(name)
            if info is None or info.status != "disabled":
                unmatched.setdefault(name, "--disable" if name in plans[0][2] else option)
        figures = evaluate(host, fmt.value, path)
        for source, metadata in figures.pop("decoded", {}).items():
            warn_decoded(source, metadata)
        if figures.get("plugin_errors"):
            warn(f"run {label}: plugins failed {figures['plugin_errors']} times while scanning")
            plugin_failed = True
        runs[label] = {"disabled": blocked, "disabled_by_env": from_env, "figures": figures}
    for name, option in unmatched.items():
        warn(f"{option} {name}: no plugin of that name can be disabled (see claimtrack plugins)")
    if json:
        if len(runs) == 1:
            run = runs["A"]
            print_json(
                {
                    "format": fmt.value,
                    "path": str(path),
                    "disabled": run["disabled"],
                    "disabled_by_env": from_env,
                }
                | run["figures"]
            )
        else:
            print_json({"format": fmt.value, "path": str(path), "runs": runs})
    else:
        _show(fmt.value, path, runs, from_env)
    if plugin_failed:
        raise typer.Exit(PLUGIN_FAILED)


def _unique(names: list[str]) -> list[str]:
    """The names in their first order, each once."""
    return list(dict.fromkeys(names))


def _show(fmt: str, path: Path, runs: dict[str, dict[str, Any]], from_env: list[str]) -> None:
    from rich.table import Table

    from claimtrack.terminal import safe, stdout

    caption = None
    if from_env:
        caption = f"disabled in every run by CLAIMTRACK_DISABLE_PLUGINS: {', '.join(from_env)}"
    table = Table(
        title=safe(f"eval --format {fmt} {path}"),
        title_justify="left",
        caption=safe(caption) if caption else None,
        caption_justify="left",
    )
    table.add_column("metric")
    for label, run in runs.items():
        env = [f"{name} (env)" for name in from_env if name not in run["disabled"]]
        blocked = ", ".join([*run["disabled"], *env]) or "none"
        table.add_column(safe(f"{label} (disabled: {blocked})"), justify="right")
    if len(runs) == 2:
        table.add_column("B − A", justify="right")
    figures = [run["figures"] for run in runs.values()]
    for key, value in figures[0].items():
        if isinstance(value, dict | str):
            continue  # per-item detail and names: --json has them
        cells = [_cell(f.get(key)) for f in figures]
        if len(figures) == 2:
            cells.append(_delta(figures[0].get(key), figures[1].get(key)))
        table.add_row(safe(key), *cells)
    stdout().print(table)


def _cell(value: Any) -> str:
    if isinstance(value, list):
        return str(len(value))
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value)


def _delta(a: Any, b: Any) -> str:
    if isinstance(a, list) and isinstance(b, list):
        a, b = len(a), len(b)
    if isinstance(a, bool) or not isinstance(a, int | float) or not isinstance(b, int | float):
        return ""
    difference = b - a
    return f"{difference:+.4f}" if isinstance(difference, float) else f"{difference:+d}"


def register(app: typer.Typer) -> None:
    """Add ``eval`` to the app."""
    app.command("eval")(eval_command)
