"""The bundled contradiction plugin: frame, polarity, quantity and date conflicts, and silence."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimtrack import MAX_CONTRADICTIONS, Article, Claim, Contradiction, Metadata, Speaker
from claimtrack.text import make_article
from claimtrack_plugins import attribution, contradictions
from claimtrack_plugins._dates import undated_points
from claimtrack_plugins._lexicon import FRAMES_ENV, load_lexicon
from claimtrack_plugins._numbers import dates, quantities
from claimtrack_plugins.contradictions import find_contradictions


def _claims(article: Article, speaker: str | None = None) -> list[Claim]:
    """One claim per sentence, as a scan's sentence extractor makes them, carrying the frames
    the attribution plugin records on them; every claim's speaker is ``speaker``."""
    who = Speaker(name=speaker, mention=speaker) if speaker else None
    out = []
    for s in article.sentences:
        text = article.text[s.start : s.end]
        start = s.start + len(text) - len(text.lstrip())
        end = s.end - (len(text) - len(text.rstrip()))
        out.append(Claim.from_span(article, start, end))
    framed = attribution.claimtrack_enrich_claims(article=article, claims=out)
    return [claim.evolve(speaker=who) for claim in framed]


def _find(
    text: str, speaker: str | None = None, published: str | None = None
) -> list[Contradiction]:
    article = make_article(text, "test", Metadata(published=published))
    return list(find_contradictions(article, _claims(article, speaker)))


def _pair(a: str, b: str, name: str = "Jordan Ellis") -> list[Contradiction]:
    """Two statements by one speaker, written the way the ProSeCCo scorer writes them."""
    text = f"{name} said: “{a}”\n\nLater in the same discussion, {name} said: “{b}”\n"
    return _find(text, speaker=name)


# --- frame ----------------------------------------------------------------------------------

ZERO_SUM = (
    "Our relations will keep growing, the spokesperson said.\n\n"
    "“Our aim is to develop independent contacts with all countries. We consider the foreign "
    "policy to be a ‘zero sum game’. Pakistan’s relations with the United States can in no way "
    "harm Pakistan’s relations with Russia and vice versa,” she said.\n"
)


def test_zero_sum_and_in_no_way_harm_conflict() -> None:
    found = _find(ZERO_SUM)
    assert [c.kind for c in found] == ["frame"]
    assert "zero sum game" in found[0].a.text
    assert "in no way harm" in found[0].b.text
    assert "in no way harm" in found[0].explanation


def test_denied_zero_sum_frame_does_not_fire() -> None:
    text = (
        "“This is not a zero-sum game. Our ties with Washington are mutually beneficial,” "
        "the minister said.\n"
    )
    assert _find(text) == []


def test_frames_by_different_speakers_do_not_conflict() -> None:
    text = (
        "Critics called the trade deal a zero-sum game for farmers.\n\n"
        "The minister said the deal was mutually beneficial for both countries.\n"
    )
    article = make_article(text, "test")
    claims = _claims(article)
    claims = [
        claims[0].evolve(speaker=Speaker(name="critics")),
        claims[1].evolve(speaker=Speaker(name="Ana Ruiz")),
    ]
    assert list(find_contradictions(article, claims)) == []


def test_no_plans_then_will_conflict() -> None:
    found = _pair(
        "We have no plans to raise taxes on pensions.", "We will raise taxes on pensions."
    )
    assert [c.kind for c in found] == ["frame"] or [c.kind for c in found] == ["polarity"]


def test_no_plans_and_will_about_other_things_do_not_conflict() -> None:
    assert _pair("We have no plans to raise taxes.", "We will raise the issue at the summit.") == []


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("I never met Putin in my life.", "I met Putin twice in Moscow."),
        (
            "There is no evidence of fraud in the election.",
            "We have evidence of fraud in the election from three counties.",
        ),
        ("This is a win-win deal for both countries.", "Their gain is our loss."),
    ],
)
def test_bundled_frames_fire(first: str, second: str) -> None:
    assert [c.kind for c in _pair(first, second)] == ["frame"]


def test_denying_contact_with_one_person_and_meeting_another_do_not_conflict() -> None:
    assert _pair("I never met Putin in my life.", "I met Merkel twice in Berlin.") == []


def test_user_lexicon_adds_a_frame(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    extra = tmp_path / "frames.toml"
    extra.write_text(
        "[[frame]]\n"
        'name = "temporary"\n'
        "claim = ['\\btemporary measure\\b']\n"
        "denial = ['\\bpermanent\\b']\n"
        'explain = "It was called a {a}, yet the other claim says {b}."\n',
        encoding="utf-8",
    )
    text = "“The curfew is a temporary measure. The curfew will be permanent,” he said.\n"
    assert _find(text) == []
    monkeypatch.setenv(FRAMES_ENV, str(extra))
    assert [c.kind for c in _find(text)] == ["frame"]


def test_user_lexicon_can_switch_a_frame_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    off = tmp_path / "off.toml"
    off.write_text('[[frame]]\nname = "zero-sum"\nenabled = false\n', encoding="utf-8")
    monkeypatch.setenv(FRAMES_ENV, str(off))
    assert "zero-sum" not in {f.name for f in load_lexicon().frames}


def test_bad_user_pattern_is_reported_with_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[[frame]]\nname = 'x'\nclaim = ['(']\ndenial = ['y']\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.toml"):
        load_lexicon([bad])


# --- polarity -------------------------------------------------------------------------------


def test_asserted_and_negated_proposition_conflict() -> None:
    found = _pair("no, schools are not safe after all", "schools are absolutely safe")
    assert [c.kind for c in found] == ["polarity"]
    assert "schools are absolutely safe" in found[0].explanation


def test_opposite_word_counts_as_negation() -> None:
    found = _pair("The new bridge is safe for lorries.", "The new bridge is unsafe for lorries.")
    assert [c.kind for c in found] == ["polarity"]


def test_not_only_but_also_is_no_negation() -> None:
    found = _pair(
        "The plan is not only cheaper but also faster to build.",
        "The plan is cheaper and faster to build.",
    )
    assert found == []


def test_change_of_tense_is_not_a_denial() -> None:
    assert _pair("The border was not open to trade.", "The border is open to trade.") == []


def test_reason_under_a_denial_is_not_asserted() -> None:
    text = (
        "“This is not a risky move because she has no experience. She has experience in the "
        "state,” he said.\n"
    )
    assert _find(text) == []


def test_question_is_not_a_claim_to_deny() -> None:
    assert _pair("Are schools safe?", "Schools are not safe.") == []


def test_ordinary_news_stays_quiet() -> None:
    text = (
        "City council approves budget after long debate\n\n"
        "The city council approved a $4.2 billion budget on Tuesday after a six-hour debate.\n\n"
        "Council member Dana Whitfield said the budget did not include money for the new "
        "stadium. “We are not going to spend public money on a private arena,” she said.\n\n"
        "The mayor, who had pushed for the stadium, said he would bring the plan back next year. "
        "The budget includes money for 200 new teachers and 45 police officers.\n\n"
        "Last year the council approved a $3.9 billion budget. Residents were not consulted on "
        "the stadium, several groups said.\n"
    )
    assert _find(text, published="2024-06-12") == []


# --- quantity -------------------------------------------------------------------------------


def test_same_measure_two_values_conflict() -> None:
    found = _pair(
        "The flood displaced 13,000 families in the province.",
        "The flood displaced 20 thousand families in the province.",
    )
    assert [c.kind for c in found] == ["quantity"]
    assert "13,000" in found[0].explanation and "20 thousand" in found[0].explanation


def test_same_value_written_two_ways_does_not_conflict() -> None:
    found = _pair(
        "The flood displaced 13,000 families in the province.",
        "The flood displaced thirteen thousand families in the province.",
    )
    assert found == []


def test_different_measured_things_do_not_conflict() -> None:
    found = _pair(
        "The army sent 3,000 troops to the province.",
        "The army sent 40 helicopters to the province.",
    )
    assert found == []


def test_figures_for_different_places_do_not_conflict() -> None:
    text = (
        "Turnout was 61% in Ohio, officials said.\n\nTurnout was 58% in Florida, officials said.\n"
    )
    assert _find(text) == []


def test_hedged_figures_close_together_do_not_conflict() -> None:
    found = _pair(
        "About 13,000 people attended the rally in the park.",
        "14,000 people attended the rally in the park.",
    )
    assert found == []


def test_number_normalisation() -> None:
    values = [q.value for q in quantities("13,000 or 13 thousand or thirteen thousand or half")]
    assert values == [13000.0, 13000.0, 13000.0, 0.5]
    (share,) = quantities("45 per cent of voters")
    assert (share.value, share.unit) == (45.0, "%")
    (money,) = quantities("$1.5 billion in aid")
    assert (money.value, money.unit) == (1.5e9, "$")
    (written,) = quantities("40 million dollars")
    assert (written.value, written.unit) == (4e7, "$")


# --- date -----------------------------------------------------------------------------------


def test_same_event_two_years_conflict() -> None:
    found = _pair(
        "Defence Minister Sergey Shoigu visited Islamabad in 2014.",
        "Defence Minister Sergey Shoigu visited Islamabad in 2012.",
    )
    assert [c.kind for c in found] == ["date"]
    assert "2014" in found[0].explanation and "2012" in found[0].explanation


def test_relative_date_resolved_against_publication() -> None:
    text = (
        "“Sergey Shoigu visited Islamabad last year. Sergey Shoigu visited Islamabad in 2014,” "
        "she said.\n"
    )
    assert _find(text, published="2015-01-17") == []
    assert [c.kind for c in _find(text, published="2017-01-17")] == ["date"]


def test_different_events_do_not_conflict() -> None:
    found = _pair(
        "The minister visited Moscow in 2014.",
        "The minister signed a gas deal in Beijing in 2015.",
    )
    assert found == []


def test_explanation_names_the_dates_without_their_prepositions() -> None:
    (found,) = _pair(
        "Defence Minister Sergey Shoigu visited Islamabad in 2014.",
        "Defence Minister Sergey Shoigu visited Islamabad in 2012.",
    )
    assert found.explanation == "The same event is dated 2014 in one claim and 2012 in the other."
    text = (
        "“Sergey Shoigu visited Islamabad last year. Sergey Shoigu visited Islamabad in 2014,” "
        "she said.\n"
    )
    (relative,) = _find(text, published="2017-01-17")
    assert relative.explanation == (
        "The same event is dated “last year” (2016) in one claim and 2014 in the other."
    )


KERRY = "“John Kerry arrived in Islamabad on {} for talks on trade. {}” she said.\n"


def test_same_event_on_two_days_conflict_read_against_the_publication_year() -> None:
    text = KERRY.format(
        "January 13", "John Kerry arrived in Islamabad on January 15 for talks on trade."
    )
    (found,) = _find(text, published="2015-01-17")
    assert found.kind == "date"
    assert found.explanation == (
        "The same event is dated January 13, 2015 in one claim and January 15, 2015 in the other."
    )
    (undated,) = _find(text)  # no publication date: the days still differ
    assert "January 13 in one claim and January 15 in the other" in undated.explanation


def test_undated_day_against_a_dated_month_of_another_year_conflicts() -> None:
    text = KERRY.format(
        "January 13", "John Kerry arrived in Islamabad in January 2014 for talks on trade."
    )
    assert [c.kind for c in _find(text, published="2015-01-17")] == ["date"]
    assert _find(text, published="2014-01-20") == []  # then "January 13" is in January 2014


def test_same_event_in_two_months_of_one_year_conflicts() -> None:
    found = _pair(
        "The army launched the operation in North Waziristan in March 2014.",
        "The army launched the operation in North Waziristan in May 2014.",
    )
    assert [c.kind for c in found] == ["date"]
    assert "March 2014 in one claim and May 2014" in found[0].explanation


def test_same_event_on_two_weekdays_conflicts() -> None:
    found = _pair(
        "The minister met the ambassador on Monday to discuss the treaty.",
        "The minister met the ambassador on Wednesday to discuss the treaty.",
    )
    assert [c.kind for c in found] == ["date"]
    assert "Monday in one claim and Wednesday in the other" in found[0].explanation


@pytest.mark.parametrize(
    ("first", "second"),
    [
        # two events on two days
        (
            "The minister visited Moscow on January 13.",
            "The minister signed a gas deal in Beijing on January 15.",
        ),
        # one event repeated: "again", "another"
        (
            "The minister met the ambassador on Monday to discuss the treaty.",
            "The minister met the ambassador again on Wednesday to discuss the treaty.",
        ),
        (
            "Protesters blocked the main road into the capital in March 2014.",
            "Protesters blocked another main road into the capital in May 2014.",
        ),
        # one day written two ways
        (
            "John Kerry arrived in Islamabad on January 13 for talks on trade.",
            "John Kerry arrived in Islamabad on 13 January for talks on trade.",
        ),
        # the same event by two different people's names
        (
            "John Kerry arrived in Islamabad on January 13 for talks on trade.",
            "Ishaq Dar arrived in Islamabad on January 15 for talks on trade.",
        ),
    ],
)
def test_dates_of_different_events_do_not_conflict(first: str, second: str) -> None:
    assert _pair(first, second) == []


def test_undated_day_matches_the_same_day_with_its_year() -> None:
    text = KERRY.format(
        "January 13", "John Kerry arrived in Islamabad on January 13, 2015 for talks on trade."
    )
    assert _find(text, published="2015-01-17") == []
    # December 30 before a January publication date is read as the year before.
    text = KERRY.format(
        "December 30", "John Kerry arrived in Islamabad in December 2014 for talks on trade."
    )
    assert _find(text, published="2015-01-17") == []


def test_undated_days_and_months() -> None:
    points = undated_points("on January 13, on 15th of Jan. and in March; May 2014", "2015-01-17")
    assert [(p[0], p[1], p[4]) for p in points] == [
        ("day", (2015, 1, 13), "January 13"),
        ("day", (2015, 1, 15), "15th of Jan."),
        ("month", (2014, 3), "in March"),
    ]
    assert [(p[0], p[1]) for p in undated_points("on January 13 and in March", None)] == [
        ("monthday", (1, 13)),
        ("monthname", 3),
    ]
    assert undated_points("We may march on. It will end in February.", "2015-01-17") == [
        ("month", (2015, 2), 29, 40, "in February")
    ]


def test_date_normalisation() -> None:
    points = dates("on January 13, 2015 and in March 2014, then last year", "2015-06-01")
    assert [(p.granularity, p.value) for p in points] == [
        ("day", (2015, 1, 13)),
        ("month", (2014, 3)),
        ("year", 2014),
    ]


# --- the hook and the optional model --------------------------------------------------------


def test_hook_yields_contradictions() -> None:
    article = make_article(ZERO_SUM, "test")
    found = list(contradictions.claimtrack_find_contradictions(article, _claims(article)))
    assert found and all(isinstance(c, Contradiction) for c in found)


def test_model_can_veto_a_rule_candidate() -> None:
    article = make_article(ZERO_SUM, "test")
    assert list(find_contradictions(article, _claims(article), scorer=lambda *_: 0.1)) == []


def test_model_confirms_a_near_miss() -> None:
    text = (
        "Jordan Ellis said: “The new law will protect renters in the city from eviction.”\n\n"
        "Later, Jordan Ellis said: “The new law will not protect renters.”\n"
    )
    article = make_article(text, "test")
    claims = _claims(article, "Jordan Ellis")
    assert list(find_contradictions(article, claims)) == []
    confirmed = list(find_contradictions(article, claims, scorer=lambda *_: 0.95))
    assert [c.kind for c in confirmed] == ["polarity"]
    assert confirmed[0].score == pytest.approx(0.95)


def test_model_that_passes_leaves_the_rules_alone() -> None:
    article = make_article(ZERO_SUM, "test")
    assert len(list(find_contradictions(article, _claims(article), scorer=lambda *_: None))) == 1


def test_the_hook_stops_one_past_the_core_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    lines = ("Pier {} of the port is safe.\n", "Pier {} of the port is not safe.\n")
    text = "".join(lines[n % 2].format(n) for n in range(150))
    article = make_article(text, "quarrel")
    claims = _claims(article)
    read = []
    real = contradictions._read

    def counting(*args: object) -> object:
        read.append(args)
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(contradictions, "_read", counting)
    found = contradictions.claimtrack_find_contradictions(article, claims)
    assert len(found) == MAX_CONTRADICTIONS + 1  # enough for the core to reject the article
    assert len(read) < len(claims)  # the claims are read only as far as the pairs compared
    assert found == list(find_contradictions(article, claims))[: len(found)]


def test_the_attribution_frame_is_set_aside_whatever_its_verb() -> None:
    # "wrote" and "warned" are frames the attribution plugin finds on the parse: the clauses
    # they report are what is compared.
    text = (
        "Jordan Ellis wrote on Monday that the new law will protect renters from eviction.\n\n"
        "Weeks later, Jordan Ellis warned that the new law will not protect renters from "
        "eviction.\n"
    )
    assert [c.kind for c in _find(text, speaker="Jordan Ellis")] == ["polarity"]


def test_words_reported_inside_a_claim_are_not_its_assertion() -> None:
    # "they say" is a frame of its own inside what the mayor said: its clause reports others'
    # words, so the mayor does not deny her own statement.
    text = (
        "Mayor Ana Ruiz said the new bridge is safe for lorries.\n\n"
        "Weeks later, Mayor Ana Ruiz said they say the new bridge is not safe for lorries.\n"
    )
    assert _find(text, speaker="Ana Ruiz") == []


def test_the_same_words_without_a_frame_are_asserted() -> None:
    text = (
        "Mayor Ana Ruiz said the new bridge is safe for lorries.\n\n"
        "Weeks later, Mayor Ana Ruiz said the new bridge is not safe for lorries.\n"
    )
    assert [c.kind for c in _find(text, speaker="Ana Ruiz")] == ["polarity"]
