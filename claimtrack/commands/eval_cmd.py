"""``claimtrack eval``: score plugins on labelled data, or two plugin sets side by side."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from claimtrack.cli import DisableOption, JsonOption, PluginsDirOption, guarded, plugin_host


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
    """Score the active plugins on a labelled data set (P/R/F1, or MAP for transcripts)."""
    from claimtrack.evaluation import evaluate
    from claimtrack.terminal import print_json, warn

    runs: dict[str, dict[str, Any]] = {}
    plans = [("A", disable)] + ([("B", compare_disable)] if compare_disable is not None else [])
    for label, blocked in plans:
        host = plugin_host(blocked, plugins_dir)
        for failure in host.take_failures():
            warn(f"plugin {failure.plugin}: {failure.message}")
        figures = evaluate(host, fmt.value, path)
        runs[label] = {"disabled": sorted(blocked or []), "figures": figures}
    if json:
        if len(runs) == 1:
            print_json({"format": fmt.value, "path": str(path)} | runs["A"]["figures"])
        else:
            print_json({"format": fmt.value, "path": str(path), "runs": runs})
        return
    _show(fmt.value, path, runs)


def _show(fmt: str, path: Path, runs: dict[str, dict[str, Any]]) -> None:
    from rich.table import Table

    from claimtrack.terminal import safe, stdout

    table = Table(title=f"eval --format {fmt} {path}", title_justify="left")
    table.add_column("metric")
    for label, run in runs.items():
        blocked = ", ".join(run["disabled"]) or "none"
        table.add_column(f"{label} (disabled: {blocked})", justify="right")
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
