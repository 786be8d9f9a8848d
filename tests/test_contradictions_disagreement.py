"""Figures and dates that disagree: one event measured or dated differently by two claims.

Each text runs through the bundled sentence extractor and contradiction plugin, as a scan would;
which event a figure or a date belongs to is read from the parse (``claimtrack_plugins._facts``).
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import pytest
from rich.console import Console

from claimtrack import Article, Claim, Contradiction, Speaker, hookimpl
from claimtrack.report import contradictions_panel
from claimtrack.store import ContradictionRecord, Side
from claimtrack.testing import run_plugins
from claimtrack_plugins import contradictions, sentences

PROJECT = (
    "The ministry said the project cost 40 million dollars in 2019. Finance Minister Sara Kahn "
    "said the same project cost 65 million dollars in 2019."
)
BRIDGE = "The bridge opened in 2012, officials said. A spokesman said the bridge opened in 2015."


class _OneSource:
    """Gives every claim the same speaker, as attribution does for a single source."""

    def __init__(self, name: str) -> None:
        self.name = name

    @hookimpl
    def claimtrack_enrich_claims(self, article: Article, claims: Sequence[Claim]) -> list[Claim]:
        return [c.evolve(speaker=Speaker(name=self.name, mention=self.name)) for c in claims]


def _found(text: str, *extra: object) -> list[Contradiction]:
    result = run_plugins(text, sentences, *extra, contradictions)
    assert not result.errors
    return list(result.contradictions)


def test_two_sources_giving_two_costs_for_one_project_disagree() -> None:
    (found,) = _found(PROJECT)
    assert found.kind == "disagreement"
    assert "40 million dollars" in found.a.text and "65 million dollars" in found.b.text
    assert found.explanation == (
        "The claims give different figures for the same thing (project cost): "
        "40 million dollars in one and 65 million dollars in the other."
    )


def test_two_sources_giving_two_years_for_one_opening_disagree() -> None:
    (found,) = _found(BRIDGE)
    assert found.kind == "disagreement"
    assert found.explanation == (
        "The claims date the same event (bridge opened) differently: 2012 in one and 2015 in "
        "the other."
    )


@pytest.mark.parametrize(("text", "kind"), [(PROJECT, "quantity"), (BRIDGE, "date")])
def test_one_source_contradicting_itself_keeps_the_self_contradiction_kinds(
    text: str, kind: str
) -> None:
    assert [c.kind for c in _found(text, _OneSource("Sara Kahn"))] == [kind]


@pytest.mark.parametrize(
    "text",
    [
        # the same value stated twice, written two ways
        "The ministry said the project cost 40 million dollars in 2019. Finance Minister Sara "
        "Kahn said the project cost $40 million in 2019.",
        "The bridge opened in 2012, officials said. A spokesman said the bridge opened in 2012.",
        # different quantities of different things
        "The ministry said the project cost 40 million dollars in 2019. A spokesman said the "
        "project employed 300 workers in 2019.",
        "The army sent 3,000 troops to the province, officials said. A spokesman said the army "
        "sent 40 helicopters to the province.",
        # a range, and a value inside it
        "The ministry said the project cost between 30 and 50 million dollars. Sara Kahn said "
        "the project cost 40 million dollars.",
        # a date, and a later anniversary
        "The bridge opened in 2012, officials said. The city marked the tenth anniversary of "
        "the bridge in 2022.",
        # two things of one kind
        "The new bridge opened in 2012, officials said. A spokesman said the old bridge opened "
        "in 1950.",
        "Turnout was 61% in Ohio, officials said. Turnout was 58% in Florida, a spokesman said.",
        # one thing at two times
        "The project cost 40 million dollars in 2019, the ministry said. The project cost 65 "
        "million dollars in 2020, Sara Kahn said.",
        # a bound is no value
        "The project cost more than 40 million dollars, the ministry said. Sara Kahn said the "
        "project cost 65 million dollars.",
        # pronouns from two sources may name two people
        "He was born in 1950, his brother said. She was born in 1946, a neighbour said.",
        # when something was said is not what was said
        "Officials said on Monday that the bridge was safe. Officials said on Tuesday that the "
        "bridge was closed.",
        # a figure next to another one: compared, not stated
        "Men in the federal government earned a median salary of $98,000, compared with "
        "women's $93,000. In the private sector, men earned a median salary of $100,000, "
        "compared with women's $67,000.",
    ],
)
def test_figures_and_dates_that_agree_or_differ_in_kind_are_not_flagged(text: str) -> None:
    assert _found(text) == []


def test_one_figure_given_many_values_is_a_series_not_a_conflict() -> None:
    line = "The port grew {}% last year, officials said.\n\n"
    assert [c.kind for c in _found(line.format(3) + line.format(5))] == ["disagreement"]
    assert _found("".join(line.format(n) for n in (3, 5, 7))) == []


def test_report_shows_disagreements_apart_after_self_contradictions() -> None:
    text = "A said one. B said two. C said three. D said four."

    def record(
        kind: str, ident: str, a: tuple[int, int], b: tuple[int, int]
    ) -> ContradictionRecord:
        return ContradictionRecord(
            id=ident,
            claims=(f"{ident}-a", f"{ident}-b"),
            a=Side(*a),
            b=Side(*b),
            kind=kind,
            explanation=f"{kind} explained",
        )

    records = [
        record("disagreement", "d1sagree", (0, 11), (12, 23)),
        record("quantity", "qu4ntity", (24, 37), (38, 50)),
    ]
    console = Console(width=100, record=True, file=io.StringIO())
    console.print(contradictions_panel(records, text, {}))
    shown = console.export_text()
    assert "quantity conflict qu4ntity (open)" in shown
    assert "disagreement between claims d1sagree (open)" in shown
    assert shown.index("quantity conflict") < shown.index("disagreement between claims")
