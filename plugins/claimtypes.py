"""Claim typing: give each claim one type from ``claimtrack.CLAIM_TYPES`` (docs/vocabularies.md).

Only untyped claims are typed: a claim still of type ``other`` (the default) gets one, and a type
its extractor (or an earlier enricher) chose is kept.

The type is read from the stand-alone ``claim`` text when an earlier enricher wrote one (the
attribution frame is gone, so "she said" does not make every quote an event), else from the span.
Rules are tried in a fixed order and the first that fires wins, from the most specific to the most
general: prediction, causal, rule, quantity, historical, position, event, other. A quantity in a
forecast is a prediction; a date is not a quantity.

"Historical" needs a reference year: a year at least :data:`HISTORY_YEARS` before the article's
publication year, or, when the article is undated, before the latest year it mentions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from claimtrack import Article, Claim, hookimpl
from claimtrack_plugins._regex import CaselessPattern, LazyPattern, lowered

#: The default type, which this enricher replaces; any other type was chosen and is kept.
UNTYPED = "other"
#: How many years before the article's own year a mentioned year must be to count as history.
HISTORY_YEARS = 10

_PREDICTION = CaselessPattern(
    r"\b(?:will|won['’]t|shall|['’]ll|going to|is (?:set|expected|likely|due|projected|forecast)"
    r" to|are (?:set|expected|likely|due|projected|forecast) to|forecasts?|predicts?|predicted"
    r"|projected|next (?:year|month|week))\b"
)
_CAUSAL = CaselessPattern(
    r"\b(?:because|due to|caused|causes|causing|led to|leads to|lead to|resulted in|results in"
    r"|as a result|thanks to|blamed|responsible for|contributed to|driven by|fuell?ed by"
    r"|linked to|the reason|increases? the risk|so that)\b"
)
_RULE = CaselessPattern(
    r"\b(?:law|laws|legal|illegal|illegally|unlawful|legislation|statute|constitution"
    r"|constitutional|unconstitutional|regulations?|rules? (?:say|says|require|allow|ban)"
    r"|(?:is|are) (?:required|allowed|permitted|prohibited|banned|entitled) to|prohibits?"
    r"|mandates?|requires|banned|bans|treaty|policy (?:says|states|requires))\b"
)
# A number then a unit: a search finds one exactly when a digit is followed by the unit, so the
# first branch reads from that digit alone (read from every digit of a long number, it was
# quadratic).
_QUANTITY = CaselessPattern(
    r"\d\s*(?:%|percent|per cent|million|billion|trillion|thousand)"
    r"|[$£€¥₹]\s?\d|\b(?:rs\.?|usd|pkr)\s?\d"
    r"|\b(?:percent|per cent|percentage|half|third|quarter|twice|double[sd]?|tripled?|doubled"
    r"|million|billion|trillion|hundreds|thousands|dozens|majority|average|rate|ranked"
    r"|largest|biggest|highest|lowest|smallest|fastest"
    r"|increased?|decreased?|rose|fell|grew|dropped|risen|fallen)\b"
    r"|(?<![\w,.-])(?!(?:1[5-9]|20)\d\d(?:s|\b))\d+(?:[.,]\d+)*(?!\d)(?!\s*(?:st|nd|rd|th)\b)"
)
_MONTH_DAY = LazyPattern(
    r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2}\b"
    r"|\b\d{1,2}\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)[a-z]*\b"
    r"|\[\d{4}(?:-\d\d){0,2}\]|\b\d{4}-\d\d-\d\d\b"
)
_DIGIT = LazyPattern(r"\d")
_YEAR = LazyPattern(r"\b(1[5-9]\d\d|20\d\d)(s)?\b")
_HISTORY_WORDS = CaselessPattern(
    r"\b(?:decades? ago|centur(?:y|ies) ago|in the \d+(?:st|nd|rd|th) century|since independence"
    r"|was founded|were founded|was built|was established|colonial|ancient)\b"
)
_POSITION = CaselessPattern(
    r"\b(?:wants?|wanted|want to|would like|believes?|believed|thinks?|considers?|intends?"
    r"|intended|aims?|aimed|seeks?|seeking|hopes?|hoped|supports?|supported|opposes?|opposed"
    r"|favou?rs?|calls? for|called for|urged?|pledged?|promised?|vowed?|committed to|plans? to"
    r"|wishes|wish|our aim|our goal|our position|we believe|we want|we will not)\b"
)
_EVENT = CaselessPattern(
    r"\b(?:yesterday|today|last (?:week|month|year|night)|recently|on (?:monday|tuesday"
    r"|wednesday|thursday|friday|saturday|sunday)|visit(?:ed|s)?|met|meeting|took place|held"
    r"|signed|announced|launched|arrested|killed|died|won|lost|elected|voted|attacked|received"
    r"|agreed|resigned|appointed|ruled|filed|sued|charged|released|opened|closed|hosted"
    r"|travell?ed|returned|happened|occurred|[a-z]{3,}ed (?:on|in|at|last|this)\b)\b"
)


@hookimpl
def claimtrack_enrich_claims(article: Article, claims: Sequence[Claim]) -> list[Claim]:
    """Type every claim still of type ``other``; a type set before this enricher is kept."""
    reference = _reference_year(article)
    return [
        c.evolve(type=classify(c.claim or c.text, reference)) if c.type == UNTYPED else c
        for c in claims
    ]


def classify(text: str, reference_year: int | None = None) -> str:
    """The claim type of ``text``; ``reference_year`` is the article's year, if known."""
    low = lowered(text)
    if _PREDICTION.search(text, low):
        return "prediction"
    if _CAUSAL.search(text, low):
        return "causal"
    if _RULE.search(text, low):
        return "rule"
    masked = _MONTH_DAY.sub(" ", text) if _DIGIT.search(text) else text  # dates need digits
    if _QUANTITY.search(masked, lowered(masked)):
        return "quantity"
    if _is_historical(text, low, reference_year):
        return "historical"
    if _POSITION.search(text, low):
        return "position"
    if _EVENT.search(text, low):
        return "event"
    return "other"


def _is_historical(text: str, low: str | None, reference_year: int | None) -> bool:
    if _HISTORY_WORDS.search(text, low):
        return True
    if reference_year is None:
        return False
    for match in _YEAR.finditer(_without_resolutions(text)):
        year = int(match.group(1)) + (9 if match.group(2) else 0)
        if year <= reference_year - HISTORY_YEARS:
            return True
    return False


def _without_resolutions(text: str) -> str:
    """Drop the "[2014]" values the stand-alone writer adds after relative dates."""
    return re.sub(r"\s\[(?:[A-Z][a-z]+ )?\d{4}(?:-\d\d){0,2}\]", "", text)


def _reference_year(article: Article) -> int | None:
    published = article.metadata.published
    if published and published[:4].isdigit():
        return int(published[:4])
    years = [int(y) for y, _ in _YEAR.findall(article.text)]
    return max(years) if years else None
