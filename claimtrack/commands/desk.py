"""The verification desk: list, show and mark claims, their history, articles and the report."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from claimtrack.cli import DbOption, JsonOption, guarded, open_store

IdsArgument = Annotated[list[str], typer.Argument(help="Claim ids (any unique prefix of 4+ characters).")]
NoteOption = Annotated[str | None, typer.Option("--note", help="Why: kept in the history.")]
EvidenceOption = Annotated[
    list[str] | None, typer.Option("--evidence", help="URL or file of evidence (repeatable).")
]
ByOption = Annotated[str | None, typer.Option("--by", help="Who decided [env: CLAIMTRACK_USER].")]


@guarded
def claims(
    article: Annotated[str | None, typer.Option(help="Article id prefix or source path.")] = None,
    status: Annotated[str | None, typer.Option(help="Only claims with this status.")] = None,
    type_: Annotated[str | None, typer.Option("--type", help="Only claims of this type.")] = None,
    speaker: Annotated[str | None, typer.Option(help="Only claims whose speaker contains this.")] = None,
    min_score: Annotated[float | None, typer.Option(help="Only claims scoring at least this.")] = None,
    json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """List stored claims, filtered."""
    from claimtrack.report import claims_table
    from claimtrack.store import Filters
    from claimtrack.terminal import print_json, stdout

    found = open_store(db).claims(
        Filters(article=article, status=status, type=type_, speaker=speaker, min_score=min_score)
    )
    if json:
        print_json(found)
    else:
        stdout().print(claims_table(found, title=f"{len(found)} claims"))


@guarded
def show(
    claim_id: Annotated[str, typer.Argument(help="Claim id (or unique prefix).")],
    json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Show one claim with its notes, evidence and history."""
    from claimtrack.report import claim_detail
    from claimtrack.terminal import print_json, stdout

    store = open_store(db)
    doc = store.claim(claim_id)
    history = store.history(doc["id"])
    if json:
        print_json(doc | {"history": history})
    else:
        stdout().print(claim_detail(doc, history))


def _mark(
    ids: list[str], status: str, note: str | None, evidence: list[str] | None, by: str | None,
    json: bool, db: Any,
) -> None:
    from claimtrack.terminal import print_json, safe, stdout

    entries = open_store(db).mark(ids, status, note=note, evidence=evidence or (), by=by)
    if json:
        print_json(entries)
        return
    for entry in entries:
        stdout().print(safe(f"{entry['claim'][:8]}: {entry['before']} → {entry['after']}"))


@guarded
def mark(
    ids: IdsArgument,
    status: Annotated[str, typer.Option("--status", "-s", help="The new status.")],
    note: NoteOption = None,
    evidence: EvidenceOption = None,
    by: ByOption = None,
    json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Set the status of claims."""
    _mark(ids, status, note, evidence, by, json, db)


@guarded
def verify(
    ids: IdsArgument,
    note: NoteOption = None,
    evidence: EvidenceOption = None,
    by: ByOption = None,
    json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Mark claims verified."""
    _mark(ids, "verified", note, evidence, by, json, db)


@guarded
def dispute(
    ids: IdsArgument,
    note: NoteOption = None,
    evidence: EvidenceOption = None,
    by: ByOption = None,
    json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Mark claims disputed."""
    _mark(ids, "disputed", note, evidence, by, json, db)


@guarded
def history(
    claim_id: Annotated[str, typer.Argument(help="Claim id (or unique prefix).")],
    json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Show every change made to a claim."""
    from claimtrack.report import history_table
    from claimtrack.terminal import print_json, stdout

    entries = open_store(db).history(claim_id)
    if json:
        print_json(entries)
    else:
        stdout().print(history_table(entries))


@guarded
def articles(json: JsonOption = False, db: DbOption = None) -> None:
    """List stored articles."""
    from claimtrack.report import articles_table
    from claimtrack.terminal import print_json, stdout

    found = open_store(db).articles()
    if json:
        print_json(found)
    else:
        stdout().print(articles_table(found))


@guarded
def report(
    article: Annotated[str | None, typer.Option(help="Only this article (id prefix or source).")] = None,
    text: Annotated[bool, typer.Option("--text/--no-text", help="Show the annotated article text.")] = True,
    json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Summary by status, then each article's claims, contradictions and annotated text."""
    from claimtrack.store import Filters
    from claimtrack.terminal import print_json

    store = open_store(db)
    summary = store.summary()
    selected = [a for a in store.articles() if not article or a["id"] == store.article(article)["id"]]
    sections = []
    for entry in selected:
        record = store.article(entry["id"])
        sections.append(
            {
                "article": {k: v for k, v in record.items() if k != "text"},
                "claims": store.claims(Filters(article=entry["id"])),
                "contradictions": store.contradictions(entry["id"]),
                "text": record.get("text", ""),
            }
        )
    if json:
        print_json({"summary": summary, "articles": [s | {"text": None} for s in sections]})
        return
    _print_report(summary, sections, text)


def _print_report(summary: dict[str, Any], sections: list[dict[str, Any]], with_text: bool) -> None:
    from rich.rule import Rule

    from claimtrack.report import annotated_text, claims_table, contradictions_panel, speaker_name, summary_table
    from claimtrack.terminal import safe, stdout

    console = stdout()
    console.print(summary_table(summary))
    for section in sections:
        meta = section["article"]
        console.print(Rule(safe(meta.get("title") or meta["source"])))
        console.print(
            safe(f"{meta['id'][:8]} · {meta.get('publisher') or '—'} · {meta.get('published') or '—'} · {meta['source']}"),
            style="dim",
        )
        ordered = sorted(section["claims"], key=lambda c: (-c["checkworthy"], -c["score"]))
        console.print(claims_table(ordered))
        if section["contradictions"]:
            speakers = {c["id"]: speaker_name(c) for c in section["claims"]}
            console.print(contradictions_panel(section["contradictions"], section["text"], speakers))
        if with_text:
            console.print(annotated_text(section["text"], section["claims"], section["contradictions"]))


def register(app: typer.Typer) -> None:
    """Add the desk commands to the app."""
    for function in (claims, show, mark, verify, dispute, history, articles, report):
        app.command(function.__name__)(function)
