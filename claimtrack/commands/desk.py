"""The verification desk: list, show and mark claims, evidence, notes, history, matching, report."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from claimtrack.commands.options import (
    ArticleOption,
    ByOption,
    DbOption,
    JsonOption,
    MinScoreOption,
    NoteOption,
    SpeakerOption,
    StatusOption,
    TypeOption,
    guarded,
    open_store,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from claimtrack.ordering import Shown
    from claimtrack.store import (
        ArticleSection,
        Change,
        ClaimMatch,
        ClaimRecord,
        Dashboard,
        Match,
        Store,
    )

#: Bulk changes to more claims than this ask for confirmation (unless --yes).
HANDFUL = 5

IdsArgument = Annotated[
    list[str] | None, typer.Argument(help="Claim ids (any unique prefix of 4+ characters).")
]
IdArgument = Annotated[str, typer.Argument(help="Claim id (or unique prefix).")]
EvidenceOption = Annotated[
    list[str] | None, typer.Option("--evidence", help="URL or file of evidence (repeatable).")
]
YesOption = Annotated[
    bool, typer.Option("--yes", "-y", help=f"Do not ask before changing more than {HANDFUL}.")
]
LimitOption = Annotated[int, typer.Option("--limit", min=1, help="At most this many rows.")]
SortOption = Annotated[
    str,
    typer.Option(
        "--sort",
        help="Order: score (highest first), status, type, speaker, article, seen or id; ties "
        "by score.",
    ),
]


@guarded
def claims(
    article: ArticleOption = None,
    status: StatusOption = None,
    type_: TypeOption = None,
    speaker: SpeakerOption = None,
    min_score: MinScoreOption = None,
    sort: SortOption = "score",
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, help="At most this many claims.")
    ] = None,
    json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """List stored claims, filtered, the most check-worthy first (see --sort)."""
    from claimtrack.ordering import order
    from claimtrack.store import Filters
    from claimtrack.terminal import print_json, stdout

    store = open_store(db)
    if status:
        status = store.config.status(status).name
    found = store.claims(
        Filters(article=article, status=status, type=type_, speaker=speaker, min_score=min_score)
    )
    shown = order(found, sort, limit)
    if json:
        print_json(shown.records)
    else:
        from claimtrack.report import claims_table

        table = claims_table(shown.records, title=shown.caption(), colours=_colours(store))
        stdout().print(table)


@guarded
def show(claim_id: IdArgument, json: JsonOption = False, db: DbOption = None) -> None:
    """Show one claim with its notes, evidence, earlier verdicts elsewhere and history."""
    from claimtrack.terminal import print_json, stdout

    store = open_store(db)
    with store.session():
        found = store.claim(claim_id)
        history = store.history(found.id)
        links = store.links(found.id)
    if json:
        print_json(found.to_json() | {"links": links, "history": history})
    else:
        from claimtrack.report import claim_detail

        stdout().print(claim_detail(found, history, links, _colours(store)))


def _mark(
    ids: list[str] | None,
    status: str,
    *,
    note: str | None,
    evidence: list[str] | None,
    by: str | None,
    article: str | None,
    speaker: str | None,
    type_: str | None,
    where_status: str | None,
    yes: bool,
    json: bool,
    db: Any,
) -> None:
    from claimtrack.errors import UsageError
    from claimtrack.store import Filters
    from claimtrack.store.verdicts import evidence_item
    from claimtrack.terminal import print_json, safe, stdout

    store = open_store(db)
    status = store.config.status(status).name
    if where_status:
        where_status = store.config.status(where_status).name
    bulk = any(v is not None for v in (article, speaker, type_, where_status))
    if not ids and not bulk:
        raise UsageError(
            "give claim ids or a filter (--article, --speaker, --type, --where-status)"
        )
    items = [evidence_item(target) for target in evidence or ()]
    filters = (
        Filters(article=article, speaker=speaker, type=type_, status=where_status) if bulk else None
    )

    def confirm(count: int) -> bool:
        if count == 0:
            raise UsageError("no claims match")
        return yes or count <= HANDFUL or typer.confirm(f"Mark {count} claims {status!r}?")

    entries = store.mark(
        ids or [], status, note=note, evidence=items, by=by, filters=filters, confirm=confirm
    )
    if json:
        print_json(entries)
        return
    for entry in entries:
        stdout().print(safe(f"{entry.claim[:8]}: {entry.before} → {entry.after}"))


@guarded
def mark(
    ids: Annotated[
        list[str] | None,
        typer.Argument(
            help="Claim ids (unique prefixes of 4+ characters), then the new status unless "
            "--to gives it: mark 6cbd disputed."
        ),
    ] = None,
    to: Annotated[str, typer.Option("--to", help="The new status.")] = "",
    note: NoteOption = None,
    evidence: EvidenceOption = None,
    article: ArticleOption = None,
    speaker: SpeakerOption = None,
    type_: TypeOption = None,
    where_status: StatusOption = None,
    yes: YesOption = False,
    by: ByOption = None,
    json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Set the status of claims, given by ids or selected by filters: mark ID... STATUS."""
    if not to:
        ids, to = _split_status(ids or [], db)
    _mark(
        ids, to, note=note, evidence=evidence, by=by, article=article, speaker=speaker,
        type_=type_, where_status=where_status, yes=yes, json=json, db=db,
    )  # fmt: skip


def _split_status(args: list[str], db: Any) -> tuple[list[str], str]:
    """(ids, status) from ``mark ID... STATUS``: the last argument, when it names a status and
    is not also a claim id prefix."""
    from claimtrack.errors import UsageError

    if not args:
        raise UsageError("give claim ids and the new status: claimtrack mark ID... STATUS")
    store = open_store(db)
    *ids, last = args
    if store.config.find(last) is not None:
        if _is_claim(store, last):
            raise UsageError(f"{last!r} is a status and a claim id prefix: give it with --to")
        return ids, last
    if ids and not _is_claim(store, last):
        store.config.status(last)  # not a status either: the error lists the valid ones
    raise UsageError("give the new status after the ids (mark ID... STATUS) or with --to")


def _is_claim(store: Store, prefix: str) -> bool:
    from claimtrack.errors import StoreError

    try:
        store.claim(prefix)
    except StoreError:
        return False
    return True


def _shortcut(status: str) -> Any:
    def command(
        ids: IdsArgument = None,
        note: NoteOption = None,
        evidence: EvidenceOption = None,
        article: ArticleOption = None,
        speaker: SpeakerOption = None,
        type_: TypeOption = None,
        where_status: StatusOption = None,
        yes: YesOption = False,
        by: ByOption = None,
        json: JsonOption = False,
        db: DbOption = None,
    ) -> None:
        _mark(
            ids, status, note=note, evidence=evidence, by=by, article=article, speaker=speaker,
            type_=type_, where_status=where_status, yes=yes, json=json, db=db,
        )  # fmt: skip

    command.__doc__ = f"Mark claims {status}, given by ids or selected by filters."
    return guarded(command)


verify = _shortcut("verified")
dispute = _shortcut("disputed")


@guarded
def evidence(
    claim_id: IdArgument,
    target: Annotated[str, typer.Argument(help="An http(s) URL or an existing file.")],
    title: Annotated[str | None, typer.Option(help="Title of the source.")] = None,
    publisher: Annotated[str | None, typer.Option(help="Who published it.")] = None,
    date: Annotated[str | None, typer.Option(help="When it was published (YYYY-MM-DD).")] = None,
    stance: Annotated[
        str, typer.Option(help="How it bears on the claim: supports, refutes or context.")
    ] = "context",
    by: ByOption = None,
    json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Attach a piece of evidence to a claim."""
    from claimtrack.store.verdicts import evidence_item
    from claimtrack.terminal import print_json, safe, stdout

    item = evidence_item(target, title=title, publisher=publisher, date=date, stance=stance)
    entry = open_store(db).add_evidence(claim_id, item, by=by)
    if json:
        print_json(entry)
    else:
        stdout().print(safe(f"{entry.claim[:8]}: evidence added ({stance})"))


@guarded
def note(
    claim_id: IdArgument,
    text: Annotated[str, typer.Argument(help="The note.")],
    by: ByOption = None,
    json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Attach a note to a claim."""
    from claimtrack.terminal import print_json, safe, stdout

    entry = open_store(db).add_note(claim_id, text, by=by)
    if json:
        print_json(entry)
    else:
        stdout().print(safe(f"{entry.claim[:8]}: note added"))


@guarded
def history(claim_id: IdArgument, json: JsonOption = False, db: DbOption = None) -> None:
    """Show every change made to a claim."""
    from claimtrack.terminal import print_json, stdout

    entries = open_store(db).history(claim_id)
    if json:
        print_json(entries)
    else:
        from claimtrack.report import history_table

        stdout().print(history_table(entries))


@guarded
def log(limit: LimitOption = 50, json: JsonOption = False, db: DbOption = None) -> None:
    """Show the latest changes across the database, newest first."""
    from claimtrack.terminal import print_json, stdout

    entries = open_store(db).log(limit=limit)
    if json:
        print_json(entries)
    else:
        from claimtrack.report import history_table

        stdout().print(history_table(entries, title="Log (newest first)"))


@guarded
def undo(
    claim_id: Annotated[
        str | None, typer.Argument(help="Only this claim's latest change (default: any claim).")
    ] = None,
    note: NoteOption = None,
    by: ByOption = None,
    json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Reverse the latest change not yet undone (of CLAIM_ID, or of any claim), saying which
    change of which claim it was; the undo is recorded as a change too."""
    from claimtrack.terminal import print_json, safe, stdout

    store = open_store(db)
    entry = store.undo(claim_id, by=by, note=note)
    if json:
        print_json(entry)
        return
    stdout().print(safe(undone_line(store, entry)), soft_wrap=True)


def undone_line(store: Store, entry: Change) -> str:
    """What an undo reversed, in words: "undid the note “…” on 1c17dcf9 “We received…”"."""
    from claimtrack.report import shorten

    undone = next((c for c in store.history(entry.claim) if c.id == entry.details["undoes"]), None)
    claim = store.claim(entry.claim)
    named = f"{entry.claim[:8]} “{shorten(claim.claim or claim.text, 60)}”"
    action = entry.details.get("undone")
    if entry.after is not None:
        return f"undid the status change of {named} ({entry.before} → {entry.after})"
    if undone is not None and action == "note":
        return f"undid the note “{shorten(undone.note or '', 60)}” on {named}"
    if undone is not None and action in ("evidence", "import"):
        item = undone.details.get("evidence") or {}
        return f"undid the {action} {item.get('url') or item.get('file') or ''} on {named}"
    return f"undid the {action} of {named}"


@guarded
def articles(
    article: Annotated[
        str | None,
        typer.Argument(help="Only this article (id prefix or source path), or: remove ARTICLE."),
    ] = None,
    removed: Annotated[
        str | None, typer.Argument(help="With remove: the article to remove.", show_default=False)
    ] = None,
    text: Annotated[
        bool,
        typer.Option(
            "--text",
            help="Print only the article's text, exactly: what claim offsets index (on a "
            "terminal, control and bidi characters are shown escaped).",
        ),
    ] = False,
    yes: YesOption = False,
    by: ByOption = None,
    json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """List stored articles; with ARTICLE, that one (--json adds its text) or, with --text, its
    text exactly as stored, in UTF-8 (for HTML, the extracted text the offsets index); a
    terminal is shown its control and bidi characters escaped. ``articles remove ARTICLE``
    removes an article scanned by mistake, with its claims (their history stays in the log)."""
    import sys

    from claimtrack.errors import UsageError
    from claimtrack.terminal import inert, print_json, stdout

    store = open_store(db)
    if article == "remove":
        _remove_article(store, removed, yes=yes, by=by, json=json)
        return
    if removed is not None:
        raise UsageError(f"one article at a time: {article} {removed} (remove ARTICLE removes one)")
    if article is None:
        if text:
            raise UsageError("--text needs an ARTICLE (id prefix or source path)")
        found = store.articles()
    else:
        record = store.article(article)
        if text:
            # Exact in files and pipes (offsets index it); a terminal gets it inert.
            exact = record.text or ""
            _write_exactly(inert(exact) if sys.stdout.isatty() else exact)
            return
        if json:
            print_json(record)
            return
        found = store.articles([record.id])
    if json:
        print_json(found)
    else:
        from claimtrack.report import articles_table

        stdout().print(articles_table(found))


def _remove_article(
    store: Store, key: str | None, *, yes: bool, by: str | None, json: bool
) -> None:
    """``articles remove ARTICLE``: asks first, unless --yes."""
    from claimtrack.errors import UsageError
    from claimtrack.store import Filters
    from claimtrack.terminal import print_json, safe, stdout

    if key is None:
        raise UsageError("give the article to remove: claimtrack articles remove ARTICLE")
    record = store.article(key)
    claims = store.claims(Filters(article=record.id))
    checked = sum(1 for c in claims if store.config.status(c.status).reviewed)
    what = f"{record.title or record.source} ({len(claims)} claims, {checked} with a verdict)"
    if not (yes or typer.confirm(f"Remove {what}?")):
        raise typer.Exit(1)
    gone = store.remove_article(record.id, by=by)
    if json:
        print_json(gone)
    else:
        stdout().print(safe(f"removed {gone.id[:8]} {what}; the claims' history stays in the log"))


def _write_exactly(text: str) -> None:
    """Write ``text`` to standard output as UTF-8 bytes: no newline added or translated."""
    import sys

    sys.stdout.flush()
    sys.stdout.buffer.write(text.encode("utf-8"))
    sys.stdout.buffer.flush()


#: Most repeats ``similar`` looks for, to say how many it found in all.
SIMILAR_MOST = 500


@guarded
def similar(
    claim_id: IdArgument,
    limit: LimitOption = 20,
    mark_as: Annotated[
        str | None,
        typer.Option("--mark", help="Give the repeats listed this status (asks first)."),
    ] = None,
    yes: YesOption = False,
    note: NoteOption = None,
    by: ByOption = None,
    json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Claims in other articles that repeat this one, with their verdicts; on a terminal (or
    with --mark), offers to give the repeats listed a verdict."""
    import sys

    from claimtrack.ordering import Shown
    from claimtrack.terminal import print_json, stdout

    store = open_store(db)
    if mark_as:
        mark_as = store.config.status(mark_as).name
    found = _as_written(store, store.similar(claim_id, limit=SIMILAR_MOST))
    shown = Shown(found[:limit], len(found))
    if json:
        print_json(shown.records)
        if not mark_as:
            return
    else:
        _print_matches(store, shown, f"no claim in another article repeats {claim_id}")
    if not shown.records:
        return
    if mark_as is None and sys.stdin.isatty() and sys.stdout.isatty():
        answer = typer.prompt(
            f"Status to give these {len(shown.records)} repeats (Enter: none)",
            default="",
            show_default=False,
        )
        mark_as = store.config.status(answer).name if answer.strip() else None
        yes = True
    if mark_as is None:
        return
    count = len(shown.records)
    if not (yes or typer.confirm(f"Mark these {count} repeats {mark_as!r}?")):
        raise typer.Exit(1)
    entries = store.mark([r.claim.id for r in shown.records], mark_as, note=note, by=by)
    if not json:
        for entry in entries:
            stdout().print(f"{entry.claim[:8]}: {entry.before} → {entry.after}")


@guarded
def search(
    text: Annotated[str, typer.Argument(help="Words or a sentence to look for.")],
    limit: LimitOption = 20,
    json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Search every stored claim for ones alike to TEXT (fuzzy, best first)."""
    from claimtrack.ordering import Shown
    from claimtrack.terminal import print_json

    store = open_store(db)
    found = _as_written(store, store.search(text, limit=limit))
    if json:
        print_json(found)
    else:
        _print_matches(store, Shown(found, len(found)), f"no stored claim is alike to {text!r}")


def _as_written(store: Store, found: list[Match]) -> list[ClaimMatch]:
    """Matches as people read them: each claim with its article and the similarity (0-100)."""
    from claimtrack.store import ClaimMatch

    with store.session():
        articles = {a.id: a for a in store.articles({item.article for item in found})}
        claims = [store.claim(item.id) for item in found]
    return [
        ClaimMatch(claim, articles.get(claim.article), item.score)
        for item, claim in zip(found, claims, strict=True)
    ]


def _print_matches(store: Store, shown: Shown[ClaimMatch], nothing: str) -> None:
    from claimtrack.report import matches_table
    from claimtrack.terminal import safe, stdout

    if not shown.records:
        stdout().print(safe(nothing[:1].upper() + nothing[1:] + "."))
        return
    stdout().print(matches_table(shown.records, shown.caption("alike"), _colours(store)))


@guarded
def diff(
    article: Annotated[str, typer.Argument(help="Article id prefix or source path.")],
    json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """What the latest rescan of an article changed: added, moved, removed and kept claims."""
    from claimtrack.store import Filters
    from claimtrack.terminal import print_json, stdout

    store = open_store(db)
    with store.session():
        rescans = store.rescans(article)
        if json:
            print_json(rescans)
            return
        if not rescans:
            stdout().print("no rescan with changed text yet")
            return
        latest = rescans[-1]
        ids = {*latest.added, *(m["id"] for m in latest.moved), *latest.removed}
        everything = Filters(article=store.article(article).id, include_removed=True)
        changed = {c.id: c for c in store.claims(everything) if c.id in ids}
    from claimtrack.report import rescan_table

    stdout().print(rescan_table(latest, changed))


@guarded
def report(
    article: ArticleOption = None,
    text: Annotated[
        bool, typer.Option("--text/--no-text", help="Show the annotated article text.")
    ] = False,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Verdicts as they stood then (YYYY-MM-DD or ISO time)."),
    ] = None,
    limit: LimitOption = 10,
    html: Annotated[
        Path | None,
        typer.Option(
            "--html",
            help="Write the latest articles (at most --limit) as one self-contained HTML page.",
        ),
    ] = None,
    json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Dashboard (status and type counts, disputed speakers, waiting claims, recent changes),
    then the latest articles (at most --limit) with their claims; with --as-of, the counts and
    the claims of the latest --limit articles as they stood then; with --html FILE, the latest
    articles with their claims highlighted, verdicts, notes, evidence and ClaimReview JSON-LD."""
    from claimtrack.store import Filters
    from claimtrack.terminal import print_json

    store = open_store(db)
    if html is not None:
        _write_html(store, html, limit, article)
        return
    if as_of:
        moment = _moment(as_of)
        found = store.claims_as_of(moment, Filters(article=article))
        if json:
            print_json({"as_of": moment, "claims": found})
        else:
            _print_as_of(store, moment, found, limit)
        return
    with store.session():
        overview = store.dashboard(limit)
        found_sections, total = store.latest_articles(limit, article)
    if json:
        sections = [s.to_json() | {"text": None} for s in found_sections]
        print_json(overview.to_json() | {"articles": sections})
        return
    _print_report(store, overview, found_sections, text, total)


def _write_html(store: Store, path: Path, limit: int, article: str | None) -> None:
    """Write the HTML report of the latest ``limit`` articles (or one) to ``path``."""
    from datetime import UTC, datetime

    from claimtrack.exchange import claimreview
    from claimtrack.report_html import from_section, render
    from claimtrack.terminal import safe, stdout

    found, _ = store.latest_articles(limit, article)
    config = store.config
    reviews = [
        review
        for section in found
        for claim in section.claims
        if (review := claimreview(claim.to_json(), section.article.to_json(), config)) is not None
    ]
    articles = [from_section(section) for section in found]
    labels = {s.name: s.label for s in config.statuses if s.label}
    generated = datetime.now(UTC).isoformat(timespec="seconds")
    page = render(articles, reviews, config.colours, labels, generated)
    path.write_text(page, encoding="utf-8")
    claims = sum(len(a.claims) for a in articles)
    stdout().print(safe(f"wrote {path} ({len(articles)} articles, {claims} claims)"))


def _moment(value: str) -> str:
    """An ISO time to compare stored UTC stamps with; a bare date means the end of that day."""
    from datetime import UTC, date, datetime

    from claimtrack.errors import UsageError

    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            return datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=UTC).isoformat()
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise UsageError(f"--as-of {value!r} is not a date (YYYY-MM-DD) or ISO time") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _print_as_of(store: Store, moment: str, found: list[ClaimRecord], limit: int) -> None:
    """Counts over every claim, then the claims of the ``limit`` latest articles."""
    from collections import Counter

    from claimtrack.report import claims_table, summary_table
    from claimtrack.store import Summary
    from claimtrack.terminal import stdout

    colours = _colours(store)
    articles = list(dict.fromkeys(c.article for c in found))
    summary = Summary.of(
        len(articles), Counter(c.status for c in found), Counter(c.type for c in found)
    )
    shown = set(articles[-limit:])
    console = stdout()
    console.print(f"Verdicts as of {moment}")
    console.print(summary_table(summary, colours, store.config.names))
    console.print(claims_table([c for c in found if c.article in shown], colours=colours))
    if len(shown) < len(articles):
        console.print(
            f"claims of the latest {len(shown)} of {len(articles)} articles (--limit)",
            style="dim",
        )


def _print_report(
    store: Store,
    overview: Dashboard,
    sections: Sequence[ArticleSection],
    with_text: bool,
    total_articles: int,
) -> None:
    from rich.rule import Rule

    from claimtrack.report import (
        annotated_text,
        claims_table,
        contradictions_panel,
        dashboard,
        speaker_name,
    )
    from claimtrack.terminal import safe, stdout

    colours = _colours(store)
    console = stdout()
    console.print(dashboard(overview, colours, store.config.names))
    if len(sections) < total_articles:
        console.print(f"latest {len(sections)} of {total_articles} articles (--limit)", style="dim")
    for section in sections:
        meta, text = section.article, section.article.text or ""
        console.print(Rule(safe(meta.title or meta.source)))
        console.print(
            safe(
                f"{meta.id[:8]} · {meta.publisher or '—'} · {meta.published or '—'} · {meta.source}"
            ),
            style="dim",
        )
        ordered = sorted(section.claims, key=lambda c: (-c.checkworthy, -c.score))
        console.print(claims_table(ordered, colours=colours))
        if section.contradictions:
            speakers = {c.id: speaker_name(c) for c in section.claims}
            console.print(contradictions_panel(section.contradictions, text, speakers))
        if with_text:
            console.print(annotated_text(text, section.claims, section.contradictions, colours))


def _colours(store: Store) -> dict[str, str]:
    colours: dict[str, str] = store.config.colours
    return colours


def register(app: typer.Typer) -> None:
    """Add the desk commands to the app."""
    commands = {
        "claims": claims, "show": show, "mark": mark, "verify": verify, "dispute": dispute,
        "evidence": evidence, "note": note, "history": history, "log": log, "undo": undo,
        "articles": articles, "similar": similar, "search": search, "diff": diff, "report": report,
    }  # fmt: skip
    for name, function in commands.items():
        app.command(name)(function)
