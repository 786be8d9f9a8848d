"""Export and import formats: JSON Lines, CSV, Markdown and schema.org ClaimReview JSON-LD.

Exporters take the claim records ``claims --json`` prints and a text stream. ClaimReview maps
each status through the database's config (``config.py``): only statuses with a rating label
are verdicts, so claims still unverified or in progress are not exported as reviews.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import orjson

from claimtrack.config import Config
from claimtrack.errors import UsageError

if TYPE_CHECKING:
    from claimtrack.store.records import Change

Exporter = Callable[[Iterable[dict[str, Any]], TextIO], None]

CSV_COLUMNS = (
    "id", "article", "article_title", "article_url", "article_published", "status", "status_by",
    "status_at", "type",
    "score", "checkworthy", "speaker", "claim", "text", "start", "end", "first_seen", "updated",
    "evidence", "notes",
)  # fmt: skip
#: What ``with_article`` adds to a claim record, from its article's record.
ARTICLE_FIELDS = {"article_title": "title", "article_url": "url", "article_published": "published"}


def with_article(record: dict[str, Any], article: Mapping[str, Any]) -> dict[str, Any]:
    """A claim record with its article's title, URL and publication date (``article_*``), as
    every exporter receives it."""
    return record | {key: article.get(field) for key, field in ARTICLE_FIELDS.items()}


def status_authors(changes: Iterable[Change]) -> dict[str, dict[str, str]]:
    """Who gave each claim its current status, and when (``status_by``, ``status_at``): the
    newest status change of each claim among ``changes``, given newest first (as ``log``)."""
    found: dict[str, dict[str, str]] = {}
    for change in changes:
        if change.after is not None and change.claim not in found:
            found[change.claim] = {"status_by": change.by, "status_at": change.at}
    return found


def evidence_lines(record: Mapping[str, Any]) -> list[str]:
    """Each evidence item of a claim as "supports: URL" (or refutes, or context)."""
    return [
        f"{e.get('stance') or 'context'}: {e.get('url') or e.get('file') or ''}"
        for e in record.get("evidence", [])
    ]


#: Leading characters that make a spreadsheet read a cell as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def write_jsonl(records: Iterable[dict[str, Any]], stream: TextIO) -> None:
    """One claim record per line."""
    for record in records:
        stream.write(orjson.dumps(record).decode() + "\n")


def spreadsheet_safe(value: object) -> str:
    """A cell value a spreadsheet shows as text, never evaluates as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def write_csv(records: Iterable[dict[str, Any]], stream: TextIO) -> None:
    """A CSV table of claims, one row each, safe against formula injection."""
    writer = csv.writer(stream)
    writer.writerow(CSV_COLUMNS)
    for record in records:
        speaker = (record.get("speaker") or {}).get("name") or ""
        values = {
            **record,
            "speaker": speaker,
            "evidence": "; ".join(evidence_lines(record)),
            "notes": " | ".join(n.get("text", "") for n in record.get("notes", [])),
        }
        writer.writerow([spreadsheet_safe(values.get(column)) for column in CSV_COLUMNS])


def _cell(value: object) -> str:
    return str(value or "—").replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _url(url: str) -> str:
    """A URL that cannot leave its Markdown angle brackets or table cell."""
    return _cell("".join(c for c in url if c not in "<>" and not c.isspace()))


def write_markdown(records: Iterable[dict[str, Any]], stream: TextIO) -> None:
    """A Markdown table of claims: status, type, speaker, the claim, its article (title linked
    to its URL, and date), notes, and evidence links with their stance."""
    stream.write("| id | status | type | speaker | claim | article | notes | evidence |\n")
    stream.write("|---|---|---|---|---|---|---|---|\n")
    for record in records:
        speaker = (record.get("speaker") or {}).get("name")
        links = ", ".join(
            f"{_cell(e.get('stance') or 'context')} <{_url(e['url'])}>"
            if e.get("url")
            else f"{_cell(e.get('stance') or 'context')} {_cell(e.get('file'))}"
            for e in record.get("evidence", [])
        )
        title = _cell(record.get("article_title") or record.get("article", ""))
        if record.get("article_url"):
            title = f"[{title}](<{_url(record['article_url'])}>)"
        if record.get("article_published"):
            title += f" ({_cell(record['article_published'])})"
        notes = "; ".join(_cell(n.get("text")) for n in record.get("notes", []))
        status = record["status"] + (f" (by {by})" if (by := record.get("status_by")) else "")
        row = (
            _cell(record["id"][:8]), _cell(status), _cell(record["type"]),
            _cell(speaker), _cell(record.get("claim") or record["text"]), title,
            notes or "—", links or "—",
        )  # fmt: skip
        stream.write("| " + " | ".join(row) + " |\n")


def claimreview(
    record: Mapping[str, Any], article: Mapping[str, Any], config: Config
) -> dict[str, Any] | None:
    """The schema.org ClaimReview of one claim, or None when its status is not a verdict."""
    status = config.status(record["status"])
    if not status.reviewed:
        return None
    rating: dict[str, Any] = {"@type": "Rating", "alternateName": status.label}
    if status.rating is not None:
        rating |= {
            "ratingValue": _number(status.rating),
            "bestRating": _number(config.best_rating),
            "worstRating": _number(config.worst_rating),
        }
    speaker = (record.get("speaker") or {}).get("name")
    appearance = article.get("url") or _source_uri(article.get("source"))
    claim: dict[str, Any] = {
        "@type": "Claim",
        "author": {"@type": "Person", "name": speaker}
        if speaker
        else {"@type": "Organization", "name": article.get("publisher") or "unknown"},
        "appearance": {
            "@type": "CreativeWork",
            "url": appearance,
            "headline": article.get("title"),
            "datePublished": article.get("published"),
        },
    }
    if article.get("published"):
        claim["datePublished"] = article["published"]
    review = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": review_url(record, article, config),
        "datePublished": (record.get("updated") or "")[:10] or None,
        "author": {
            "@type": "Organization",
            "name": config.organisation or "claimtrack",
            **({"url": config.organisation_url} if config.organisation_url else {}),
        },
        "claimReviewed": record.get("claim") or record["text"],
        "itemReviewed": claim,
        "reviewRating": rating,
    }
    return review


def _source_uri(source: str | None) -> str | None:
    if not source or source == "-":
        return None
    return Path(source).as_uri() if Path(source).is_absolute() else source


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def review_url(record: Mapping[str, Any], article: Mapping[str, Any], config: Config) -> str:
    """Where the review of a claim is published: the config's template, else a stable URN."""
    if config.review_url:
        return config.review_url.format(id=record["id"], article=record.get("article", ""))
    if config.organisation_url:
        return f"{config.organisation_url.rstrip('/')}/claims/{record['id']}"
    return f"urn:claimtrack:claim:{record['id']}"


def write_claimreview(
    records: Iterable[dict[str, Any]],
    stream: TextIO,
    articles: Mapping[str, Mapping[str, Any]],
    config: Config,
) -> int:
    """A JSON-LD array of ClaimReviews of the claims with a verdict; return how many."""
    reviews = []
    for record in records:
        review = claimreview(record, articles.get(record.get("article", ""), {}), config)
        if review is not None:
            reviews.append(review)
    stream.write(script_safe(orjson.dumps(reviews, option=orjson.OPT_INDENT_2).decode()) + "\n")
    return len(reviews)


#: Characters escaped in JSON-LD so that it can be pasted into an HTML ``<script>`` element as is.
_SCRIPT_ESCAPES = {ord(c): f"\\u{ord(c):04x}" for c in "<>&\u2028\u2029"}


def script_safe(json_text: str) -> str:
    """JSON text with ``< > &`` and the JavaScript line separators written as ``\\u`` escapes.

    The data is unchanged (a JSON parser reads the same strings), but a claim quoting
    ``</script>`` cannot close the ``<script type="application/ld+json">`` holding the review.
    """
    return json_text.translate(_SCRIPT_ESCAPES)


def is_own_review(review: Review, config: Config) -> bool:
    """Whether a ClaimReview is one this desk exported (its URL is one ``review_url`` gives):
    importing it would add a claim's own verdict to it as evidence."""
    import re

    url = review.url or ""
    if url.startswith("urn:claimtrack:claim:"):
        return True
    if config.review_url:
        pattern = re.escape(config.review_url).replace(r"\{id\}", "[0-9a-f]+")
        pattern = pattern.replace(r"\{article\}", "[0-9a-f]*")
        if re.fullmatch(pattern, url):
            return True
    own = f"{config.organisation_url.rstrip('/')}/claims/" if config.organisation_url else None
    return own is not None and url.startswith(own)


BUILTIN: dict[str, Exporter] = {
    "jsonl": write_jsonl,
    "csv": write_csv,
    "markdown": write_markdown,
}


@dataclass(frozen=True)
class Review:
    """A verdict read from someone's ClaimReview."""

    claim: str
    label: str | None
    value: float | None
    url: str | None
    author: str | None
    date: str | None


def read_claimreviews(data: bytes, where: str = "input") -> list[Review]:
    """Every ClaimReview in a JSON-LD document; raise ``UsageError`` if it is malformed.

    Accepts one object, an array, an ``@graph`` or a DataFeed of ``dataFeedElement`` items.
    """
    try:
        parsed = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise UsageError(f"{where} is not valid JSON: {exc}") from exc
    reviews = [_review(item, where) for item in _nodes(parsed) if _is_review(item)]
    if not reviews:
        raise UsageError(f"{where} holds no ClaimReview")
    return reviews


def _nodes(value: Any) -> Iterable[Any]:
    if isinstance(value, list):
        for item in value:
            yield from _nodes(item)
    elif isinstance(value, dict):
        yield value
        for key in ("@graph", "dataFeedElement", "item"):
            if key in value:
                yield from _nodes(value[key])


def _is_review(item: Any) -> bool:
    kind = item.get("@type")
    return kind == "ClaimReview" or (isinstance(kind, list) and "ClaimReview" in kind)


def _review(item: dict[str, Any], where: str) -> Review:
    claim = item.get("claimReviewed")
    rating = item.get("reviewRating")
    if not isinstance(claim, str) or not claim.strip():
        raise UsageError(f"{where}: a ClaimReview has no claimReviewed text")
    if not isinstance(rating, dict):
        raise UsageError(f"{where}: the ClaimReview of {claim[:60]!r} has no reviewRating")
    label = rating.get("alternateName")
    value = rating.get("ratingValue")
    try:
        number = float(value) if value not in (None, "") else None
    except (TypeError, ValueError) as exc:
        raise UsageError(f"{where}: ratingValue {value!r} is not a number") from exc
    if not isinstance(label, str) and number is None:
        raise UsageError(f"{where}: the rating of {claim[:60]!r} has no alternateName or value")
    author = item.get("author")
    name = author.get("name") if isinstance(author, dict) else author
    url, date = item.get("url"), item.get("datePublished")
    return Review(
        claim=claim.strip(),
        label=label if isinstance(label, str) else None,
        value=number,
        url=url if isinstance(url, str) else None,
        author=name if isinstance(name, str) else None,
        date=date if isinstance(date, str) else None,
    )
