"""``claimtrack watch``: follow RSS/Atom feeds and alert on repeats of checked claims."""

from __future__ import annotations

import time
from typing import Annotated

import typer

from claimtrack.commands.options import (
    DbOption,
    DisableOption,
    JsonOption,
    PluginsDirOption,
    guarded,
)


@guarded
def watch(
    feeds: Annotated[
        list[str], typer.Argument(help="Feed URLs, or files listing one feed URL a line.")
    ],
    every: Annotated[
        str, typer.Option("--every", help="Time between rounds: 30s, 15m, 1h, 1d.")
    ] = "15m",
    once: Annotated[
        bool, typer.Option("--once", help="Run one round and exit (for cron).")
    ] = False,
    json: JsonOption = False,
    db: DbOption = None,
    disable: DisableOption = None,
    plugins_dir: PluginsDirOption = None,
) -> None:
    """Scan each new feed item once and report claims that repeat claims the desk has checked.

    Exit code with --once: 0, or 1 if a feed or page failed (it is tried again next round).
    """
    from claimtrack.commands.options import open_store, plugin_host
    from claimtrack.feeds import feed_urls
    from claimtrack.report import repeat_alert
    from claimtrack.terminal import error, print_json_line, stderr, stdout, warn_failure
    from claimtrack.watch import Problem, parse_every, watch_round

    seconds = parse_every(every)
    urls = feed_urls(feeds)
    host = plugin_host(disable, plugins_dir)
    for failure in host.take_failures():
        warn_failure(failure)
    checkers = [name for name, _, _ in host.implementations("claimtrack_find_contradictions")]
    store = open_store(db, create=True)
    while True:
        failed = repeats = 0
        for event in watch_round(store, host, urls, checkers):
            if isinstance(event, Problem):
                failed += 1
                error(event.message)
            elif json:
                repeats += 1
                print_json_line(event.to_json())
            else:
                repeats += 1
                stdout().print(repeat_alert(event, store.config.colours))
        host.take_failures()  # plugin failures are per article; a watch keeps going
        if not json:
            stderr().print(
                f"[dim]{time.strftime('%H:%M:%S')} {len(urls)} feeds read, {repeats} repeats, "
                f"{failed} failures[/dim]"
            )
        if once:
            if failed:
                raise typer.Exit(1)
            return
        time.sleep(seconds)


def register(app: typer.Typer) -> None:
    """Add ``watch`` to the app."""
    app.command("watch")(watch)
