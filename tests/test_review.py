"""``claimtrack review``: the queue driven headless with Textual's pilot, the store checked after
each key, and text snapshots of the screen at 80 and 120 columns."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimtrack.cli import app as cli
from claimtrack.review import ReviewApp
from claimtrack.store import Filters, Store, open_store

FIXTURES = Path(__file__).parent / "fixtures" / "review"
COUNCIL = FIXTURES / "council.txt"
#: Set to rewrite the screen snapshots in tests/fixtures/review/ from the current screen.
UPDATE = os.environ.get("CLAIMTRACK_UPDATE_SNAPSHOTS") == "1"

Session = Callable[[ReviewApp, "Pilot"], Awaitable[None]]  # noqa: F821 (Textual's Pilot)


@pytest.fixture
def store(desk: str) -> Store:
    """A database holding the council article's claims (22, scored)."""
    result = CliRunner().invoke(cli, ["scan", "--all", str(COUNCIL)])
    assert result.exit_code == 0, result.stderr
    return open_store(desk)


def drive(store: Store, session: Session, size: tuple[int, int] = (80, 24), **kw: object) -> None:
    """Run the queue headless at ``size`` and play ``session`` on it."""

    async def main() -> None:
        app = ReviewApp(store, Filters(), by="reviewer", **kw)  # type: ignore[arg-type]
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await session(app, pilot)

    asyncio.run(main())


async def type_in(pilot: object, text: str) -> None:
    """Type ``text`` into the focused input and press Enter."""
    await pilot.press(*text, "enter")  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]


def screen_text(app: ReviewApp) -> str:
    """The screen as plain text, one line per row (trailing spaces dropped)."""
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    rows = ["".join(strip.text for strip in line).rstrip() for line in update.strips]
    return "\n".join(rows) + "\n"


def statuses(store: Store) -> dict[str, str]:
    return {c.id: c.status for c in store.claims()}


def ranked(store: Store) -> list[str]:
    """Claim ids in queue order: the most check-worthy first."""
    claims = sorted(store.claims(), key=lambda c: (-c.score, c.id))
    return [c.id for c in claims]


def test_keys_give_verdicts_through_the_store_at_once(store: Store) -> None:
    order = ranked(store)

    async def session(app: ReviewApp, pilot: object) -> None:
        await pilot.press("v")  # type: ignore[attr-defined]
        assert store.claim(order[0]).status == "verified"  # written before the next key
        await pilot.press("d", "s", "f")  # type: ignore[attr-defined]

    drive(store, session)
    now = statuses(store)
    assert [now[i] for i in order[:4]] == ["verified", "disputed", "unverified", "false"]
    history = store.history(order[0])
    assert history[-1].by == "reviewer" and history[-1].after == "verified"


def test_note_evidence_and_undo_of_the_current_claim(store: Store) -> None:
    first = ranked(store)[0]

    async def session(app: ReviewApp, pilot: object) -> None:
        await pilot.press("n")  # type: ignore[attr-defined]
        await type_in(pilot, "Asked the finance office")
        await pilot.press("e")  # type: ignore[attr-defined]
        await type_in(pilot, "https://example.org/budget-2023")
        await pilot.press("p", "up", "z")  # type: ignore[attr-defined]
        await pilot.pause()  # type: ignore[attr-defined]
        assert f"{first[:8]}: undid status (in progress → unverified)" in app.message

    drive(store, session)
    claim = store.claim(first)
    assert [n.text for n in claim.notes] == ["Asked the finance office"]
    assert [e.target for e in claim.evidence] == ["https://example.org/budget-2023"]
    assert claim.status == "unverified"


def test_a_bad_evidence_url_is_a_message_not_a_crash(store: Store) -> None:
    async def session(app: ReviewApp, pilot: object) -> None:
        await pilot.press("e")  # type: ignore[attr-defined]
        await type_in(pilot, "not a url")
        assert app.message.startswith("error:")

    drive(store, session)
    assert all(not c.evidence for c in store.claims())


def test_search_narrows_the_queue(store: Store) -> None:
    async def session(app: ReviewApp, pilot: object) -> None:
        await pilot.press("slash")  # type: ignore[attr-defined]
        await type_in(pilot, "Berg")
        assert len(app.shown) == 4 and all("Berg" in (i.speaker or "") + i.claim for i in app.shown)
        await pilot.press("v")  # type: ignore[attr-defined]
        await pilot.pause()  # type: ignore[attr-defined]

    drive(store, session)
    verified = [c for c in store.claims() if c.status == "verified"]
    assert len(verified) == 1 and "Berg" in verified[0].text


def test_changes_made_elsewhere_are_shown(store: Store) -> None:
    order = ranked(store)

    async def session(app: ReviewApp, pilot: object) -> None:
        store.mark([order[3]], "false", by="colleague")
        await pilot.press("r")  # type: ignore[attr-defined]
        await pilot.pause()  # type: ignore[attr-defined]
        assert "1 changed elsewhere" in screen_text(app)
        assert app.items[3].status == "false"

    drive(store, session)


def test_the_queue_rereads_the_store_by_itself(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("claimtrack.review.REFRESH_SECONDS", 0.05)
    order = ranked(store)

    async def session(app: ReviewApp, pilot: object) -> None:
        store.mark([order[2]], "disputed", by="colleague")
        await pilot.pause(0.5)  # type: ignore[attr-defined]
        assert app.changed_elsewhere == {order[2]}

    drive(store, session)  # and it closes cleanly while the timer runs


def test_a_twenty_claim_review_session_end_to_end(store: Store) -> None:
    order = ranked(store)[:20]
    keys = ["v", "d", "f", "m", "u", "s", "v", "3", "d", "s"] * 2

    async def session(app: ReviewApp, pilot: object) -> None:
        for n, key in enumerate(keys):
            if n % 5 == 4:
                await pilot.press("n")  # type: ignore[attr-defined]
                await type_in(pilot, f"note {n}")
            await pilot.press(key)  # type: ignore[attr-defined]
            await pilot.pause()  # type: ignore[attr-defined]
        assert "with a verdict" in screen_text(app)

    drive(store, session)
    expected = {"v": "verified", "d": "disputed", "f": "false", "m": "misleading"}
    expected |= {"u": "unverifiable", "3": "verified", "s": "unverified"}
    now = statuses(store)
    assert [now[i] for i in order] == [expected[k] for k in keys]
    noted = [store.claim(order[n]).notes for n in range(20) if n % 5 == 4]
    texts = [[x.text for x in notes] for notes in noted]
    assert texts == [[f"note {n}"] for n in (4, 9, 14, 19)]
    assert len(store.log(limit=100)) == 16 + 4  # 16 verdicts (4 skips) and 4 notes


@pytest.mark.parametrize("size", [(80, 24), (120, 30)])
def test_screen_snapshot(store: Store, size: tuple[int, int]) -> None:
    shots: list[str] = []

    async def session(app: ReviewApp, pilot: object) -> None:
        await pilot.press("v", "n")  # type: ignore[attr-defined]
        await type_in(pilot, "checked")
        shots.append(screen_text(app))

    drive(store, session, size=size)
    path = FIXTURES / f"screen-{size[0]}x{size[1]}.txt"
    if UPDATE:
        path.write_text(shots[0], encoding="utf-8")
    assert shots[0] == path.read_text(encoding="utf-8")
    assert max(map(len, shots[0].splitlines())) <= size[0]


def test_no_color_keeps_statuses_readable(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")

    async def session(app: ReviewApp, pilot: object) -> None:
        await pilot.press("v")  # type: ignore[attr-defined]
        await pilot.pause()  # type: ignore[attr-defined]
        assert app.no_color
        assert "verified" in screen_text(app)

    drive(store, session)


def test_review_needs_a_terminal(store: Store) -> None:
    result = CliRunner().invoke(cli, ["review"])
    assert result.exit_code == 2
    assert result.stderr == (
        "error: review needs a terminal; use claims, mark and note in scripts\n"
    )
