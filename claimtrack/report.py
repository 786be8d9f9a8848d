"""Rich renderables for claims, articles and reports; nothing here prints.

Every piece of article or plugin text goes through ``terminal.safe`` so that markup and escape
sequences in an article are shown literally.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from claimtrack.model import DEFAULT_STATUSES
from claimtrack.terminal import clean, safe

if TYPE_CHECKING:
    from claimtrack.store.records import (
        ArticleRecord,
        Change,
        ClaimMatch,
        ClaimRecord,
        ContradictionRecord,
        Dashboard,
        Evidence,
        Link,
        Rescan,
        Summary,
    )
    from claimtrack.watch import Repeat

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


def speaker_name(claim: ClaimRecord) -> str:
    """A claim's speaker, or an em dash for the author's own voice."""
    speaker = claim.speaker
    return (speaker.name or speaker.mention or "—") if speaker else "—"


def claims_table(
    claims: Iterable[ClaimRecord],
    title: str | None = None,
    colours: Mapping[str, str] = STATUS_COLOURS,
    width: int = 90,
) -> Table:
    """A table of claims: id, status, score, type, speaker and the claim."""
    table = Table(title=title, title_justify="left", expand=False, show_lines=False)
    table.add_column("id", style="bold", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("score", justify="right", no_wrap=True)
    table.add_column("type", no_wrap=True)
    table.add_column("speaker", max_width=22)
    table.add_column("claim", max_width=width)
    for claim in claims:
        table.add_row(
            claim.id[:8],
            safe(claim.status, style=colour(claim.status, colours)),
            f"{claim.score:.2f}",
            claim.type,
            safe(speaker_name(claim)),
            safe(claim.claim or claim.text, style="" if claim.checkworthy else "dim"),
        )
    return table


def summary_table(
    summary: Summary,
    colours: Mapping[str, str] = STATUS_COLOURS,
    order: Sequence[str] = DEFAULT_STATUSES,
) -> Table:
    """Counts of claims by status (in vocabulary ``order``) and by type."""
    table = Table(title="Claims by status", title_justify="left")
    table.add_column("status")
    table.add_column("claims", justify="right")
    statuses = summary.statuses
    ordered = [s for s in order if s in statuses] + sorted(s for s in statuses if s not in order)
    for status in ordered:
        table.add_row(safe(status, style=colour(status, colours)), str(statuses[status]))
    table.add_row(Text("total", style="bold"), str(summary.claims))
    types = Table(title="Claims by type", title_justify="left")
    types.add_column("type")
    types.add_column("claims", justify="right")
    for name, count in sorted(summary.types.items(), key=lambda kv: -kv[1]):
        types.add_row(name, str(count))
    grid = Table.grid(padding=(0, 4))
    grid.add_row(table, types)
    return grid


def annotated_text(
    text: str,
    claims: Sequence[ClaimRecord],
    contradictions: Sequence[ContradictionRecord] = (),
    colours: Mapping[str, str] = STATUS_COLOURS,
) -> Text:
    """The article text with each claim's span underlined in its status colour.

    Both sides of a contradiction are also shown in reverse video (not those a later scan no
    longer found: their spans may no longer fit the text).
    """
    view = Text(clean(text))
    for claim in claims:
        view.stylize(f"underline {colour(claim.status, colours)}", claim.start, claim.end)
    for conflict in contradictions:
        if conflict.stale:
            continue
        for side in (conflict.a, conflict.b):
            view.stylize("reverse", side.start, side.end)
    return view


DECISION_COLOURS: dict[str, str] = {"open": "yellow", "confirmed": "red", "dismissed": "dim"}
#: The contradiction kind of two claims that disagree, whoever made them (not one source
#: contradicting itself).
DISAGREEMENT = "disagreement"


def conflict_label(kind: str) -> str:
    """How a contradiction kind is named: "quantity conflict", or "disagreement between claims"."""
    return "disagreement between claims" if kind == DISAGREEMENT else f"{kind} conflict"


def contradictions_panel(
    contradictions: Sequence[ContradictionRecord],
    text: str,
    speakers: Mapping[str, str],
) -> RenderableType:
    """Each contradiction's two statements side by side, with speakers, the explanation and
    the decision taken on it (who, when and the note); those a later scan no longer found are
    left out. Self-contradictions come first, then disagreements, each labelled as such."""
    parts: list[RenderableType] = []
    live = [c for c in contradictions if not c.stale]
    # Self-contradictions first, then claims that disagree (two sources may have given them).
    for conflict in sorted(live, key=lambda c: c.kind == DISAGREEMENT):
        table = Table(show_header=True, expand=True, box=None)
        first, second = conflict.claims
        table.add_column(safe(f"{first[:8]} — {speakers.get(first, '—')}"), ratio=1)
        table.add_column(safe(f"{second[:8]} — {speakers.get(second, '—')}"), ratio=1)
        table.add_row(
            safe(text[conflict.a.start : conflict.a.end]),
            safe(text[conflict.b.start : conflict.b.end]),
        )
        decision = conflict.decision or "open"
        title = f"{conflict_label(conflict.kind)} {conflict.id[:8]} ({decision})"
        body: list[RenderableType] = [table, safe(conflict.explanation, style="italic")]
        if conflict.decision:
            body.append(decision_line(conflict))
        parts.append(
            Panel(
                Group(*body),
                title=safe(title),
                border_style=DECISION_COLOURS.get(decision, ""),
            )
        )
    return Group(*parts)


def decision_line(conflict: ContradictionRecord) -> Text:
    """A contradiction's decision with who took it, when, and the note."""
    decision = conflict.decision or "open"
    line = safe(decision, style=f"bold {DECISION_COLOURS.get(decision, '')}")
    if conflict.decided_by:
        line.append_text(safe(f" by {conflict.decided_by}"))
    if conflict.decided_at:
        line.append_text(safe(f", {conflict.decided_at[:16].replace('T', ' ')} UTC"))
    if conflict.decision_note:
        line.append_text(safe(f": {conflict.decision_note}"))
    return line


def contradictions_table(
    contradictions: Iterable[ContradictionRecord], title: str | None = None, width: int = 120
) -> Table:
    """Stored contradictions (``Store.select_contradictions`` records): id and article, kind,
    the two statements shortened to ``width`` characters each, their speakers and the decision."""
    table = Table(title=title, title_justify="left", show_lines=True, expand=True)
    table.add_column("id / article", no_wrap=True)
    table.add_column("kind", no_wrap=True)
    table.add_column("statements", ratio=4)
    table.add_column("speakers", ratio=1, min_width=12)
    table.add_column("decision", ratio=2, min_width=12)
    for conflict in contradictions:
        a, b = conflict.a, conflict.b
        statements = safe(f"A: {shorten(a.text or '', width)}\n")
        statements.append_text(safe(f"B: {shorten(b.text or '', width)}"))
        first, second = a.speaker or "—", b.speaker or "—"
        decision = conflict.decision or "open"
        cell = safe(decision, style=DECISION_COLOURS.get(decision, ""))
        if conflict.stale:
            cell.append_text(safe(" (stale)", style="dim"))
        if conflict.decision_note:
            cell.append_text(safe(f": {shorten(conflict.decision_note, width)}", style="dim"))
        ids = Text(conflict.id[:8], style="bold")
        ids.append(f"\n{(conflict.article or '')[:8]}", style="dim")
        table.add_row(
            ids,
            conflict.kind,
            statements,
            safe(first if first == second else f"A: {first}\nB: {second}"),
            cell,
        )
    return table


def scan_summary(rows: Sequence[tuple[str, int]], title: str) -> RenderableType:
    """The one-screen summary of a scan of many sources: a heading, then what was found."""
    table = Table(show_header=False)
    table.add_column("what")
    table.add_column("how many", justify="right")
    for what, count in rows:
        table.add_row(what, f"{count:,}", style="dim" if not count else "")
    return Group(safe(title, style="bold"), table)


#: Characters of each claim a contradiction line quotes.
CLAIM_IN_LINE = 60


def contradiction_line(conflict: ContradictionRecord, claims: Mapping[str, ClaimRecord]) -> Text:
    """One line for a contradiction that names its two claims: ids and the start of each."""

    def named(claim_id: str) -> str:
        claim = claims.get(claim_id)
        words = shorten(claim.claim or claim.text, CLAIM_IN_LINE) if claim else "?"
        return f"{claim_id[:8]} “{words}”"

    first, second = conflict.claims
    return safe(
        f"⚠ {conflict.id[:8]} {conflict.kind} conflict between {named(first)} and "
        f"{named(second)}: {conflict.explanation}",
        style="yellow",
    )


def shorten(text: str, limit: int) -> str:
    """``text`` on one line, cut at a word to at most ``limit`` characters with an ellipsis."""
    line = " ".join(text.split())
    if len(line) <= limit:
        return line
    cut = line[: limit - 1].rsplit(" ", 1)[0]
    return f"{cut}…"


def claim_detail(
    claim: ClaimRecord,
    history: Sequence[Change],
    links: Sequence[Link] = (),
    colours: Mapping[str, str] = STATUS_COLOURS,
) -> RenderableType:
    """One claim with its source span, speaker, notes, evidence, repeats elsewhere and history."""
    info = Table.grid(padding=(0, 2))
    info.add_column(style="bold")
    info.add_column()
    info.add_row("id", claim.id)
    info.add_row("status", safe(claim.status, style=colour(claim.status, colours)))
    info.add_row("claim", safe(claim.claim))
    info.add_row("text", safe(claim.text))
    info.add_row("span", f"{claim.start}–{claim.end} in article {claim.article}")
    info.add_row("speaker", safe(speaker_name(claim)))
    info.add_row("type", claim.type)
    worthy = "check-worthy" if claim.checkworthy else "not check-worthy"
    info.add_row("score", f"{claim.score:.2f} ({worthy})")
    info.add_row("extractor", safe(claim.extractor))
    if claim.removed:
        info.add_row("removed", Text("its text is no longer in the article", style="red"))
    for note in claim.notes:
        info.add_row("note", safe(f"{note.text} — {note.by}, {note.at}"))
    for item in claim.evidence:
        info.add_row("evidence", evidence_line(item))
    for link in links:
        info.add_row("also in", link_line(link, colours))
    return Group(
        Panel(info, title=f"claim {claim.id[:8]}", title_align="left"), history_table(history)
    )


def evidence_line(item: Evidence) -> Text:
    """One evidence item: stance, where it is, then title, publisher and date when known."""
    where = item.target or "?"
    details = [value for value in (item.title, item.publisher, item.date) if value]
    line = safe(f"[{item.stance}] {where}")
    if details:
        line.append_text(safe(" — " + " · ".join(map(str, details)), style="dim"))
    return line


def repeat_alert(repeat: Repeat, colours: Mapping[str, str] = STATUS_COLOURS) -> Group:
    """A feed item's claim that repeats a checked claim: the earlier verdict, notes, evidence."""
    earlier = repeat.earlier
    head = safe(f"↺ {repeat.claim_id[:8]} ", style="cyan")
    head.append_text(safe(repeat.item.title or repeat.item.link, style="bold"))
    verdict = safe(f"  repeats {earlier.id[:8]} ({repeat.score:.0f}% alike), ")
    verdict.append_text(safe(earlier.verdict, style=colour(earlier.verdict, colours)))
    verdict.append_text(safe(f": {earlier.claim}"))
    lines = [head, safe(f"  {repeat.claim}"), verdict]
    lines += [safe(f"  note: {note}", style="dim") for note in earlier.notes]
    lines += [safe("  evidence: ").append_text(evidence_line(e)) for e in earlier.evidence]
    lines.append(safe(f"  {repeat.item.link}", style="dim"))
    return Group(*lines)


def link_line(link: Link, colours: Mapping[str, str] = STATUS_COLOURS) -> Text:
    """A claim of another article this one repeats, with its current verdict."""
    status = link.status or "unverified"
    line = safe(status, style=colour(status, colours))
    line.append_text(safe(f" {link.id[:8]} (article {link.article[:8]}, "))
    line.append_text(safe(f"{link.score:.0f}% alike): {link.claim or ''}"))
    return line


def history_table(history: Sequence[Change], title: str = "History") -> Table:
    """Changes to claims, in the order given: when, who, which claim, from → to, and why."""
    table = Table(title=title, title_justify="left")
    table.add_column("when (UTC)", no_wrap=True)
    for column in ("who", "claim", "change", "note"):
        table.add_column(column)
    for change in history:
        table.add_row(
            change.at[:16].replace("T", " "),
            safe(change.by),
            change.claim[:8],
            safe(change_text(change)),
            safe(change.note or ""),
        )
    return table


def change_text(change: Change) -> str:
    """A history entry's change in a few words."""
    action, details = change.action, change.details
    if change.after is not None:
        prefix = f"undo {details.get('undone')}: " if action == "undo" else ""
        return f"{prefix}{change.before} → {change.after}"
    if action == "evidence":
        item = details.get("evidence") or {}
        return f"evidence {item.get('stance', '')}: {item.get('url') or item.get('file')}"
    if action == "edited":
        return f"text edited: {details.get('text_after', '')}"
    if action == "undo":
        return f"undo {details.get('undone')}"
    if action == "contradiction decided":
        return (
            f"{details.get('kind')} contradiction: "
            f"{details.get('previous') or 'open'} → {details.get('decision') or 'open'}"
        )
    if action in ("contradiction stale", "contradiction found again"):
        return f"{details.get('kind')} {action}"
    return str(action)


def matches_table(
    found: Sequence[ClaimMatch], title: str, colours: Mapping[str, str] = STATUS_COLOURS
) -> Table:
    """Claims alike to a query or a claim: similarity, status, the claim as written, its
    speaker and the article it comes from (title and source)."""
    table = Table(title=title, title_justify="left")
    table.add_column("id", no_wrap=True)
    table.add_column("alike", justify="right", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("claim", ratio=3)
    table.add_column("speaker", max_width=22)
    table.add_column("article", ratio=2)
    for item in found:
        claim, article = item.claim, item.article
        where = Text()
        heading = article.title if article else None
        where.append_text(safe(heading or claim.article[:8], style="bold"))
        where.append_text(safe(f"\n{article.source if article else ''}", style="dim"))
        table.add_row(
            claim.id[:8],
            f"{item.similarity:.0f}%",
            safe(claim.status, style=colour(claim.status, colours)),
            safe(claim.claim or claim.text),
            safe((claim.speaker.name if claim.speaker else None) or "—"),
            where,
        )
    return table


def rescan_table(rescan: Rescan, claims: Mapping[str, ClaimRecord]) -> Table:
    """What one rescan changed, claim by claim (an edited claim's old → new text, and whether
    the edit reopened its verdict); the kept claims are counted."""
    table = Table(title=f"Rescan of {rescan.at}", title_justify="left")
    for column in ("change", "id", "where", "claim"):
        table.add_column(column)
    edits = {edit["id"]: edit for edit in rescan.edited}

    def text(claim_id: str) -> Text:
        edit = edits.get(claim_id)
        if edit is None:
            claim = claims.get(claim_id)
            return safe(claim.text if claim else "")
        shown = safe(edit["before"], style="strike dim")
        shown.append_text(safe(f"\n→ {edit['after']}"))
        if edit.get("reopened"):
            shown.append_text(safe(f"\nverdict reopened: {edit['reopened']}", style="bold yellow"))
        return shown

    for claim_id in rescan.added:
        table.add_row(Text("added", style="green"), claim_id[:8], "", text(claim_id))
    for move in rescan.moved:
        kind = "edited" if move["edited"] else "moved"
        where = f"{move['from'][0]}–{move['from'][1]} → {move['to'][0]}–{move['to'][1]}"
        if move["from"] == move["to"]:
            where = f"{move['to'][0]}–{move['to'][1]}"
        table.add_row(Text(kind, style="cyan"), move["id"][:8], where, text(move["id"]))
    for claim_id in rescan.removed:
        table.add_row(Text("removed", style="red"), claim_id[:8], "", text(claim_id))
    table.add_row(Text("kept", style="dim"), f"{len(rescan.kept)} claims", "", "")
    return table


def dashboard(
    overview: Dashboard,
    colours: Mapping[str, str] = STATUS_COLOURS,
    order: Sequence[str] = DEFAULT_STATUSES,
) -> RenderableType:
    """The report's first screen: counts, disputed speakers, waiting claims, recent changes."""
    speakers = Table(title="Most disputed speakers", title_justify="left")
    speakers.add_column("speaker")
    speakers.add_column("claims rated below true", justify="right")
    for name, count in overview.speakers:
        speakers.add_row(safe(name), str(count))
    waiting = claims_table(
        overview.awaiting,
        title=_awaiting_title(len(overview.awaiting), overview.awaiting_total),
        colours=colours,
    )
    recent = history_table(overview.recent, title="Recent changes")
    summary = summary_table(overview.summary, colours, order)
    return Group(summary, speakers, waiting, recent)


def _awaiting_title(shown: int, total: int) -> str:
    """ "Awaiting review, oldest first, most check-worthy first within (showing 10 of 13)"."""
    count = f"showing {shown} of {total}" if shown < total else f"{total} in all"
    return f"Awaiting review, oldest first, most check-worthy first within ({count})"


def articles_table(articles: Sequence[ArticleRecord]) -> Table:
    """Stored articles with their claim counts."""
    table = Table(title="Articles", title_justify="left")
    for column in ("id", "title", "published", "claims", "check-worthy", "source"):
        table.add_column(column)
    for entry in articles:
        table.add_row(
            entry.id[:8],
            safe(entry.title or "—"),
            entry.published or "—",
            str(entry.claims),
            str(entry.checkworthy),
            safe(entry.source or "—"),
        )
    return table
