"""``claimtrack review``: an interactive review queue in the terminal (Textual).

Claims waiting for a verdict, the most check-worthy first, beside the article text with the
current claim highlighted in its paragraph. One key per action; every action goes through the
Store at once, exactly as the command line's (a crash loses nothing), and the queue re-reads the
store every few seconds to show what others changed since it opened. Plain keys and box
characters only, so it works at 80×24 and over SSH; ``NO_COLOR`` turns it monochrome (Textual),
and statuses are always written out, never shown by colour alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import App, ComposeResult, ScreenStackError
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.css.query import NoMatches
from textual.widgets import DataTable, Footer, Input, Static

from claimtrack.config import Config
from claimtrack.errors import ClaimtrackError
from claimtrack.ordering import order
from claimtrack.terminal import clean

if TYPE_CHECKING:
    from claimtrack.store import ClaimRecord, Filters, Store

#: Seconds between two reads of the store for changes made elsewhere.
REFRESH_SECONDS = 5.0
#: Columns from which the queue sits beside the article text rather than above it.
WIDE = 110
#: Characters of article text shown on each side of the current claim's paragraph.
CONTEXT_CHARS = 600
#: Keys for the default vocabulary's statuses (digits 1-9 name any vocabulary's, in order).
STATUS_KEYS = {
    "v": "verified",
    "d": "disputed",
    "f": "false",
    "m": "misleading",
    "u": "unverifiable",
    "p": "in progress",
}


@dataclass(frozen=True)
class QueueItem:
    """One claim of the queue, as the screen shows it."""

    id: str
    article: str
    start: int
    end: int
    claim: str
    score: float
    status: str
    type: str
    speaker: str | None
    notes: tuple[str, ...]
    evidence: tuple[str, ...]


def queue_item(record: ClaimRecord) -> QueueItem:
    """A stored claim record as a queue item (the one place that reads store records)."""
    return QueueItem(
        id=record.id,
        article=record.article,
        start=record.start,
        end=record.end,
        claim=record.claim or record.text,
        score=float(record.score),
        status=record.status,
        type=record.type,
        speaker=record.speaker.name if record.speaker else None,
        notes=tuple(n.text for n in record.notes),
        evidence=tuple(f"{e.stance}: {e.target}" for e in record.evidence),
    )


class ReviewApp(App[None]):
    """The review queue over one store; ``filters`` choose the claims, ``pending`` keeps only
    claims without a verdict yet."""

    TITLE = "claimtrack review"
    CSS = """
    #top { height: 1; padding: 0 1; background: $boost; }
    #panes { height: 1fr; }
    #queue { width: 2fr; min-width: 30; }
    #detail { width: 3fr; padding: 0 1; border-left: vkey $primary; }
    #panes.narrow { layout: vertical; }
    #panes.narrow #queue { width: 1fr; height: 2fr; }
    #panes.narrow #detail { width: 1fr; height: 3fr; border-left: none; border-top: hkey $primary; }
    #meta { margin-bottom: 1; }
    #ask { dock: bottom; display: none; }
    #ask.shown { display: block; }
    #help { display: none; }
    #help.shown { display: block; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("v", "status('verified')", "verify"),
        Binding("d", "status('disputed')", "dispute"),
        Binding("f", "status('false')", "false", show=False),
        Binding("m", "status('misleading')", "misleading", show=False),
        Binding("u", "status('unverifiable')", "unverifiable", show=False),
        Binding("p", "status('in progress')", "in progress", show=False),
        *(Binding(str(n), f"nth_status({n})", f"status {n}", show=False) for n in range(1, 10)),
        Binding("n", "ask('note')", "note"),
        Binding("e", "ask('evidence')", "evidence"),
        Binding("z", "undo", "undo"),
        Binding("s", "skip", "skip"),
        Binding("slash", "ask('search')", "search"),
        Binding("r", "refresh", "refresh", show=False),
        Binding("question_mark", "help", "help"),
        Binding("q", "quit", "quit"),
    ]

    def __init__(
        self, store: Store, filters: Filters, pending: bool = True, by: str | None = None
    ) -> None:
        super().__init__()
        self.store = store
        self.filters = filters
        self.pending = pending
        self.by = by
        self.config: Config = store.config
        self.items: list[QueueItem] = []
        self.shown: list[QueueItem] = []
        self.search = ""
        self.asking = ""
        self.message = ""
        self.texts: dict[str, tuple[str, str]] = {}  # article id: (title, text)
        self.changed_elsewhere: set[str] = set()
        self.members: set[str] = set()  # claims the queue has held: they stay, verdict or not
        self.load()

    # -- data ------------------------------------------------------------------------------

    def load(self) -> None:
        """Read the queue from the store: claims passing the filters, most check-worthy first."""
        waiting = {s.name for s in self.config.statuses if not s.reviewed}
        records = self.store.claims(self.filters)
        if self.pending and self.filters.status is None:
            records = [r for r in records if r.status in waiting or r.id in self.members]
        self.items = [queue_item(record) for record in order(records).records]
        self.members |= {item.id for item in self.items}
        self._filter()

    def _filter(self) -> None:
        needle = self.search.casefold()
        self.shown = [
            item
            for item in self.items
            if not needle
            or needle in item.claim.casefold()
            or needle in (item.speaker or "").casefold()
        ]

    def _text(self, article_id: str) -> tuple[str, str]:
        if article_id not in self.texts:
            record = self.store.article(article_id)
            self.texts[article_id] = (record.title or record.source, record.text or "")
        return self.texts[article_id]

    @property
    def current(self) -> QueueItem | None:
        """The claim under the cursor, if the queue holds any."""
        if not self.shown:
            return None
        table = self.query_one("#queue", DataTable)
        return self.shown[min(table.cursor_row, len(self.shown) - 1)]

    # -- screen ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(id="top")
        with Horizontal(id="panes"):
            yield DataTable(id="queue", cursor_type="row", zebra_stripes=False)
            with VerticalScroll(id="detail"):
                yield Static(id="help")
                yield Static(id="meta")
                yield Static(id="context")
                yield Static(id="notes")
        yield Input(id="ask")
        yield Footer()

    def on_resize(self) -> None:
        """Queue beside the text on a wide terminal, above it on a narrow one (80 columns)."""
        self.query_one("#panes").set_class(self.size.width < WIDE, "narrow")

    def on_mount(self) -> None:
        table = self.query_one("#queue", DataTable)
        table.add_columns("score", "status", "claim")
        self.query_one("#help", Static).update(self._help())
        self._fill()
        self.set_interval(REFRESH_SECONDS, self._tick)
        table.focus()

    def _fill(self, keep: str | None = None) -> None:
        table = self.query_one("#queue", DataTable)
        table.clear()
        for item in self.shown:
            mark = "*" if item.id in self.changed_elsewhere else " "
            table.add_row(
                f"{item.score:.2f}",
                Text(f"{mark}{item.status}", style=self._colour(item.status)),
                Text(clean(item.claim), overflow="ellipsis", no_wrap=True),
                key=item.id,
            )
        if keep is not None:
            ids = [item.id for item in self.shown]
            if keep in ids:
                table.move_cursor(row=ids.index(keep))
        self._show()

    def _colour(self, status: str) -> str:
        return self.config.colours.get(status, "")

    def _show(self) -> None:
        item = self.current
        reviewed = sum(1 for i in self.items if self.config.status(i.status).reviewed)
        position = f"{self.shown.index(item) + 1} of {len(self.shown)}" if item else "empty"
        top = f"claimtrack review · {position} · {reviewed} with a verdict"
        if self.search:
            top += f" · search {self.search!r}"
        if self.changed_elsewhere:
            top += f" · {len(self.changed_elsewhere)} changed elsewhere (*)"
        if self.message:
            top += f" · {self.message}"
        self.query_one("#top", Static).update(Text(clean(top), no_wrap=True, overflow="ellipsis"))
        meta = self.query_one("#meta", Static)
        context = self.query_one("#context", Static)
        notes = self.query_one("#notes", Static)
        if item is None:
            meta.update("Nothing to review: no claim passes the filters.")
            context.update("")
            notes.update("")
            return
        title, text = self._text(item.article)
        meta.update(
            Text.assemble(
                (clean(item.id[:8]), "bold"),
                " · ",
                (clean(item.status), self._colour(item.status)),
                f" · {item.type} · score {item.score:.2f}\n",
                ("speaker: ", "dim"),
                clean(item.speaker or "—"),
                ("\narticle: ", "dim"),
                clean(title),
            )
        )
        context.update(highlighted(text, item.start, item.end))
        lines = [f"note: {n}" for n in item.notes] + [f"evidence {e}" for e in item.evidence]
        notes.update(Text(clean("\n".join(lines)), style="dim"))

    def _help(self) -> Text:
        statuses = "  ".join(f"{n}:{s.name}" for n, s in enumerate(self.config.statuses, 1))
        keys = "  ".join(f"{k}:{s}" for k, s in STATUS_KEYS.items() if self.config.find(s))
        return Text(
            f"keys  {keys}\n{statuses}\nn:note  e:evidence URL  z:undo  s:skip  /:search  "
            "r:refresh  ?:help  q:quit\n",
            style="bold",
        )

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show()

    # -- actions ---------------------------------------------------------------------------

    def _act(self, change: Callable[[QueueItem], str], advance: bool = False) -> None:
        """Apply one change to the current claim through the store; show what happened."""
        item = self.current
        if item is None:
            return
        try:
            self.message = change(item)
        except ClaimtrackError as exc:
            self.message = f"error: {exc}"
            self._show()
            return
        self._reread(item.id)
        self._fill(keep=item.id)
        if advance:
            self.action_skip()

    def _reread(self, claim_id: str) -> None:
        fresh = queue_item(self.store.claim(claim_id))
        self.items = [fresh if i.id == claim_id else i for i in self.items]
        self.changed_elsewhere.discard(claim_id)
        self._filter()

    def action_status(self, name: str) -> None:
        """Give the current claim a status (if the vocabulary has it) and go to the next."""
        if self.config.find(name) is None:
            self.message = f"no status {name!r} in this vocabulary"
            self._show()
            return

        def mark(item: QueueItem) -> str:
            self.store.mark([item.id], name, by=self.by)
            return f"{item.id[:8]}: {item.status} → {name}"

        self._act(mark, advance=True)

    def action_nth_status(self, number: int) -> None:
        """Give the current claim the vocabulary's ``number``-th status."""
        if number <= len(self.config.statuses):
            self.action_status(self.config.statuses[number - 1].name)

    def action_undo(self) -> None:
        """Undo the current claim's latest change, naming it."""

        def undo(item: QueueItem) -> str:
            entry = self.store.undo(item.id, by=self.by)
            what = f" ({entry.before} → {entry.after})" if entry.after is not None else ""
            return f"{item.id[:8]}: undid {entry.details.get('undone')}{what}"

        self._act(undo)

    def action_skip(self) -> None:
        """Go to the next claim."""
        table = self.query_one("#queue", DataTable)
        if table.cursor_row < len(self.shown) - 1:
            table.move_cursor(row=table.cursor_row + 1)
        self._show()

    def action_help(self) -> None:
        """Show or hide the keys."""
        self.query_one("#help", Static).toggle_class("shown")

    def _tick(self) -> None:
        """Re-read the store; a tick that finds the screen closing (its widgets going) stops."""
        try:
            self.action_refresh()
        except (NoMatches, ScreenStackError):
            return

    def action_refresh(self) -> None:
        """Re-read the store; claims whose status changed elsewhere are marked with *."""
        before = {item.id: item.status for item in self.items}
        keep = self.current.id if self.current else None
        self.load()
        self.changed_elsewhere |= {
            item.id for item in self.items if before.get(item.id, item.status) != item.status
        }
        self._fill(keep=keep)

    def action_ask(self, what: str) -> None:
        """Open the input line for a note, an evidence URL or a search."""
        if what != "search" and self.current is None:
            return
        self.asking = what
        field = self.query_one("#ask", Input)
        field.placeholder = {
            "note": "note for this claim (Enter saves, Esc cancels)",
            "evidence": "evidence URL (Enter saves, Esc cancels)",
            "search": "show claims containing (Enter; empty shows all)",
        }[what]
        field.value = self.search if what == "search" else ""
        field.add_class("shown")
        field.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        value, what = event.value.strip(), self.asking
        self._close_input()
        if what == "search":
            self.search = value
            self._filter()
            self._fill()
        elif what == "note" and value:
            self._act(lambda item: self._note(item, value))
        elif what == "evidence" and value:
            self._act(lambda item: self._evidence(item, value))

    def _note(self, item: QueueItem, text: str) -> str:
        self.store.add_note(item.id, text, by=self.by)
        return f"{item.id[:8]}: note added"

    def _evidence(self, item: QueueItem, target: str) -> str:
        from claimtrack.store.verdicts import evidence_item

        self.store.add_evidence(item.id, evidence_item(target), by=self.by)
        return f"{item.id[:8]}: evidence added"

    def key_escape(self) -> None:
        """Close the input line without saving."""
        if self.asking:
            self._close_input()

    def _close_input(self) -> None:
        self.asking = ""
        field = self.query_one("#ask", Input)
        field.remove_class("shown")
        self.query_one("#queue", DataTable).focus()


def highlighted(text: str, start: int, end: int) -> Text:
    """The claim in context: its paragraph and the one before and after it (within
    ``CONTEXT_CHARS``), the claim in reverse video, which stays visible without colour."""
    left = _paragraph_start(text, _paragraph_start(text, start) - 2)
    if left < start - CONTEXT_CHARS:
        left = _paragraph_start(text, start)
    right = _paragraph_end(text, _paragraph_end(text, end) + 2)
    if right > end + CONTEXT_CHARS:
        right = _paragraph_end(text, end)
    shown = Text()
    shown.append(clean(text[left:start]))
    shown.append(clean(text[start:end]), style="reverse bold")
    shown.append(clean(text[end:right]))
    return shown


def _paragraph_start(text: str, at: int) -> int:
    found = text.rfind("\n\n", 0, max(0, at))
    return 0 if found < 0 else found + 2


def _paragraph_end(text: str, at: int) -> int:
    found = text.find("\n\n", min(len(text), at))
    return len(text) if found < 0 else found


def run_review(store: Store, filters: Filters, pending: bool = True, by: str | None = None) -> None:
    """Run the queue until the user quits."""
    ReviewApp(store, filters, pending=pending, by=by).run()
