"""Rich renderables for claims, articles and reports; nothing here prints.

Every piece of article or plugin text goes through ``terminal.safe`` so that markup and escape
sequences in an article are shown literally.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from claimtrack.model import DEFAULT_STATUSES
from claimtrack.terminal import clean, safe

STATUS_COLOURS: dict[str, str] = {
    "unverified": "white",
    "in progress": "cyan",
    "verified": "green",
    "disputed": "yellow",
    "false": "red",
    "misleading": "magenta",
    "unverifiable": "bright_black",
}


def colour(status: str, colours: Mapping[str, str] = STATUS_COLOURS) -> str:
    """The colour of a status (white for statuses without one)."""
    return colours.get(status, "white")


def speaker_name(doc: Mapping[str, Any]) -> str:
    """A claim record's speaker, or an em dash for the author's own voice."""
    speaker = doc.get("speaker") or {}
    return speaker.get("name") or speaker.get("mention") or "—"


def claims_table(
    claims: Iterable[Mapping[str, Any]],
    title: str | None = None,
    colours: Mapping[str, str] = STATUS_COLOURS,
    width: int = 90,
) -> Table:
    """A table of claim records: id, status, score, type, speaker and the claim."""
    table = Table(title=title, title_justify="left", expand=False, show_lines=False)
    table.add_column("id", style="bold", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("score", justify="right", no_wrap=True)
    table.add_column("type", no_wrap=True)
    table.add_column("speaker", max_width=22)
    table.add_column("claim", max_width=width)
    for doc in claims:
        status = doc.get("status", "unverified")
        table.add_row(
            doc["id"][:8],
            safe(status, style=colour(status, colours)),
            f"{doc['score']:.2f}",
            doc["type"],
            safe(speaker_name(doc)),
            safe(doc.get("claim") or doc["text"], style="dim" if not doc.get("checkworthy") else ""),
        )
    return table


def summary_table(summary: Mapping[str, Any], colours: Mapping[str, str] = STATUS_COLOURS) -> Table:
    """Counts of claims by status and by type."""
    table = Table(title="Claims by status", title_justify="left")
    table.add_column("status")
    table.add_column("claims", justify="right")
    statuses = summary.get("statuses", {})
    ordered = [s for s in DEFAULT_STATUSES if s in statuses] + sorted(
        s for s in statuses if s not in DEFAULT_STATUSES
    )
    for status in ordered:
        table.add_row(safe(status, style=colour(status, colours)), str(statuses[status]))
    table.add_row(Text("total", style="bold"), str(summary.get("claims", 0)))
    types = Table(title="Claims by type", title_justify="left")
    types.add_column("type")
    types.add_column("claims", justify="right")
    for name, count in sorted(summary.get("types", {}).items(), key=lambda kv: -kv[1]):
        types.add_row(name, str(count))
    grid = Table.grid(padding=(0, 4))
    grid.add_row(table, types)
    return grid


def annotated_text(
    text: str,
    claims: Sequence[Mapping[str, Any]],
    contradictions: Sequence[Mapping[str, Any]] = (),
    colours: Mapping[str, str] = STATUS_COLOURS,
) -> Text:
    """The article text with each claim's span underlined in its status colour.

    Both sides of a contradiction are also shown in reverse video.
    """
    view = Text(clean(text))
    for doc in claims:
        view.stylize(f"underline {colour(doc.get('status', 'unverified'), colours)}", doc["start"], doc["end"])
    for conflict in contradictions:
        for side in ("a", "b"):
            view.stylize("reverse", conflict[side]["start"], conflict[side]["end"])
    return view


def contradictions_panel(
    contradictions: Sequence[Mapping[str, Any]],
    text: str,
    speakers: Mapping[str, str],
) -> RenderableType:
    """Each contradiction's two statements side by side, with speakers and the explanation."""
    parts: list[RenderableType] = []
    for conflict in contradictions:
        table = Table(show_header=True, expand=True, box=None)
        first, second = conflict["claims"]
        table.add_column(safe(f"A — {speakers.get(first, '—')}"), ratio=1)
        table.add_column(safe(f"B — {speakers.get(second, '—')}"), ratio=1)
        table.add_row(
            safe(text[conflict["a"]["start"] : conflict["a"]["end"]]),
            safe(text[conflict["b"]["start"] : conflict["b"]["end"]]),
        )
        decision = conflict.get("decision") or "open"
        title = f"{conflict['kind']} conflict {conflict['id'][:8]} ({decision})"
        parts.append(Panel(Group(table, safe(conflict["explanation"], style="italic")), title=safe(title)))
    return Group(*parts)


def claim_detail(doc: Mapping[str, Any], history: Sequence[Mapping[str, Any]]) -> RenderableType:
    """One claim with its source span, speaker, notes, evidence and history."""
    status = doc.get("status", "unverified")
    info = Table.grid(padding=(0, 2))
    info.add_column(style="bold")
    info.add_column()
    info.add_row("id", doc["id"])
    info.add_row("status", safe(status, style=colour(status)))
    info.add_row("claim", safe(doc.get("claim", "")))
    info.add_row("text", safe(doc["text"]))
    info.add_row("span", f"{doc['start']}–{doc['end']} in article {doc.get('article', '?')}")
    info.add_row("speaker", safe(speaker_name(doc)))
    info.add_row("type", doc["type"])
    info.add_row("score", f"{doc['score']:.2f} ({'check-worthy' if doc.get('checkworthy') else 'not check-worthy'})")
    info.add_row("extractor", safe(doc.get("extractor", "")))
    if doc.get("removed"):
        info.add_row("removed", Text("its text is no longer in the article", style="red"))
    for note in doc.get("notes", []):
        info.add_row("note", safe(f"{note['text']} — {note.get('by', '?')}, {note.get('at', '')}"))
    for item in doc.get("evidence", []):
        info.add_row("evidence", safe(" · ".join(str(v) for v in item.values() if v)))
    return Group(Panel(info, title=f"claim {doc['id'][:8]}", title_align="left"), history_table(history))


def history_table(history: Sequence[Mapping[str, Any]]) -> Table:
    """The change history of claims, oldest first."""
    table = Table(title="History", title_justify="left")
    for column in ("when", "who", "claim", "change", "note"):
        table.add_column(column)
    for entry in history:
        change = entry["action"]
        if "before" in entry or "after" in entry:
            change = f"{entry.get('before')} → {entry.get('after')}"
        table.add_row(
            entry["at"], safe(entry["by"]), entry["claim"][:8], safe(change), safe(entry.get("note") or "")
        )
    return table


def articles_table(articles: Sequence[Mapping[str, Any]]) -> Table:
    """Stored articles with their claim counts."""
    table = Table(title="Articles", title_justify="left")
    for column in ("id", "title", "published", "claims", "check-worthy", "source"):
        table.add_column(column)
    for entry in articles:
        table.add_row(
            entry["id"][:8],
            safe(entry.get("title") or "—"),
            entry.get("published") or "—",
            str(entry.get("claims", 0)),
            str(entry.get("checkworthy", 0)),
            safe(entry.get("source") or "—"),
        )
    return table
