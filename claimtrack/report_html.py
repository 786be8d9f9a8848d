"""``claimtrack report --html FILE``: the report as one self-contained HTML page.

No external asset (styles inline, no script but the ClaimReview JSON-LD, which is data), so the
file works offline and as an e-mail attachment. Every piece of article text, note, speaker and
title is escaped: a ``<script>`` in an article stays text. Claims are highlighted in the article
text by status; a table per article lists speakers, scores, verdicts, notes and evidence, and
the contradictions name both claims.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson

from claimtrack.exchange import script_safe
from claimtrack.report import conflict_label

if TYPE_CHECKING:
    from claimtrack.store.records import ArticleSection

#: CSS colours for the rich colour names statuses are given in ``config.toml``.
CSS_COLOURS = {
    "white": "#e8e8e8",
    "cyan": "#a8e6f0",
    "green": "#b6e8b0",
    "yellow": "#ffe58f",
    "red": "#ffb3b3",
    "magenta": "#f0b6e8",
    "blue": "#b3c7ff",
    "bright_black": "#c8c8c8",
}
#: Characters of a claim shown where a contradiction names it.
SHORT = 70


@dataclass(frozen=True)
class HtmlEvidence:
    """One evidence item: a link (http or https) or a file named as text."""

    target: str
    stance: str
    title: str | None = None

    @property
    def href(self) -> str | None:
        """The link to follow, only for web addresses (never ``javascript:`` or a file)."""
        return self.target if self.target.startswith(("https://", "http://")) else None


@dataclass(frozen=True)
class HtmlClaim:
    """A claim as the page shows it."""

    id: str
    start: int
    end: int
    claim: str
    status: str
    score: float
    type: str
    speaker: str | None
    notes: tuple[str, ...] = ()
    evidence: tuple[HtmlEvidence, ...] = ()


@dataclass(frozen=True)
class HtmlContradiction:
    """Two claims of an article that contradict each other."""

    id: str
    a: str
    b: str
    kind: str
    explanation: str
    decision: str | None = None


@dataclass(frozen=True)
class HtmlArticle:
    """An article with its text, claims (in text order) and contradictions."""

    id: str
    title: str
    source: str
    text: str
    url: str | None = None
    publisher: str | None = None
    published: str | None = None
    claims: tuple[HtmlClaim, ...] = ()
    contradictions: tuple[HtmlContradiction, ...] = ()


def render(
    articles: Sequence[HtmlArticle],
    reviews: Sequence[Mapping[str, Any]],
    colours: Mapping[str, str],
    labels: Mapping[str, str],
    generated: str,
) -> str:
    """The whole page: ``reviews`` are the ClaimReview objects embedded as JSON-LD; ``colours``
    maps each status to its rich colour and ``labels`` to its verdict label (if it has one)."""
    parts = [
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n',
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
        "<title>claimtrack report</title>\n",
        f"<style>\n{_css(colours)}</style>\n",
        '<script type="application/ld+json">\n',
        script_safe(orjson.dumps(list(reviews), option=orjson.OPT_INDENT_2).decode()),
        "\n</script>\n</head>\n<body>\n<header>\n<h1>Claim report</h1>\n",
        f'<p class="meta">{_count(articles)} · generated {_e(generated)}</p>\n',
        _legend(colours, labels),
        "</header>\n",
    ]
    parts.extend(_article(article, labels) for article in articles)
    parts.append("</body>\n</html>\n")
    return "".join(parts)


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _slug(status: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in status.lower())


def _count(articles: Sequence[HtmlArticle]) -> str:
    claims = sum(len(a.claims) for a in articles)
    return f"{len(articles)} article{'s' * (len(articles) != 1)}, {claims} claims"


def _css(colours: Mapping[str, str]) -> str:
    rules = [
        "body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:72rem;padding:1rem 2rem;"
        "color:#1d1d1d;background:#fff}",
        "h1{margin:.2rem 0}h2{margin:2rem 0 .2rem;border-top:2px solid #333;padding-top:.8rem}",
        ".meta{color:#555;margin:.2rem 0}",
        ".legend span{display:inline-block;margin:.1rem .4rem .1rem 0;padding:0 .4rem;"
        "border-radius:3px}",
        ".text{white-space:pre-wrap;font:16px/1.6 Georgia,serif;background:#fafafa;"
        "border:1px solid #ddd;padding:1rem 1.2rem;border-radius:4px}",
        "mark.claim{padding:0 .1rem;border-radius:2px;color:inherit}",
        "mark.claim sup{font:bold 10px/1 system-ui,sans-serif;color:#333;margin-left:.15rem}",
        "table{border-collapse:collapse;width:100%;margin:.8rem 0}",
        "th,td{border-bottom:1px solid #ddd;padding:.3rem .4rem;text-align:left;"
        "vertical-align:top}",
        "th{background:#f0f0f0}td.num{text-align:right;font-variant-numeric:tabular-nums}",
        ".status{padding:0 .35rem;border-radius:3px;white-space:nowrap}",
        "ul.notes,ul.evidence{margin:0;padding-left:1rem}",
        ".contradiction{background:#fff7e0;border-left:4px solid #e0a800;padding:.4rem .8rem;"
        "margin:.4rem 0}",
        "code{font-size:90%}",
    ]
    for status, name in colours.items():
        rules.append(f".status-{_slug(status)}{{background:{CSS_COLOURS.get(name, '#e8e8e8')}}}")
    return "\n".join(rules) + "\n"


def _legend(colours: Mapping[str, str], labels: Mapping[str, str]) -> str:
    spans = "".join(
        f'<span class="status status-{_slug(s)}">{_e(s)}'
        f"{_e(' — ' + labels[s]) if labels.get(s) else ''}</span>"
        for s in colours
    )
    return f'<p class="legend">{spans}</p>\n'


def _article(article: HtmlArticle, labels: Mapping[str, str]) -> str:
    meta = " · ".join(
        _e(v) for v in (article.publisher, article.published, article.url or article.source) if v
    )
    parts = [
        f'<section class="article" id="article-{_e(article.id)}">\n',
        f'<h2>{_e(article.title)}</h2>\n<p class="meta">{meta} · '
        f"<code>{_e(article.id[:8])}</code></p>\n",
        f'<div class="text">{highlight(article.text, article.claims)}</div>\n',
    ]
    if article.contradictions:
        by_id = {claim.id: claim for claim in article.claims}
        parts.append("<h3>Contradictions</h3>\n")
        parts.extend(_contradiction(c, by_id) for c in article.contradictions)
    parts.append(_claims_table(article.claims, labels))
    parts.append("</section>\n")
    return "".join(parts)


def highlight(text: str, claims: Iterable[HtmlClaim]) -> str:
    """The escaped article text with each claim in a ``<mark>`` of its status (a claim that
    overlaps one already marked is left to the table)."""
    out, at = [], 0
    for claim in sorted(claims, key=lambda c: (c.start, c.end)):
        if claim.start < at or claim.end > len(text):
            continue
        out.append(_e(text[at : claim.start]))
        out.append(
            f'<mark class="claim status-{_slug(claim.status)}" id="claim-{_e(claim.id)}" '
            f'data-claim="{_e(claim.id)}" data-status="{_e(claim.status)}" '
            f'title="{_e(claim.status)} · score {claim.score:.2f}">'
            f"{_e(text[claim.start : claim.end])}<sup>{_e(claim.id[:4])}</sup></mark>"
        )
        at = claim.end
    out.append(_e(text[at:]))
    return "".join(out)


def _short(claim: HtmlClaim | None, claim_id: str) -> str:
    if claim is None:
        return f"<code>{_e(claim_id[:8])}</code>"
    words = claim.claim if len(claim.claim) <= SHORT else claim.claim[: SHORT - 1] + "…"
    return f'<a href="#claim-{_e(claim.id)}"><code>{_e(claim.id[:8])}</code></a> “{_e(words)}”'


def _contradiction(item: HtmlContradiction, claims: Mapping[str, HtmlClaim]) -> str:
    decided = f" — {_e(item.decision)}" if item.decision else ""
    return (
        f'<div class="contradiction" id="contradiction-{_e(item.id)}"><strong>'
        f"{_e(conflict_label(item.kind))}{decided}</strong>: {_e(item.explanation)}<br>"
        f"{_short(claims.get(item.a), item.a)} and {_short(claims.get(item.b), item.b)}</div>\n"
    )


def _claims_table(claims: Sequence[HtmlClaim], labels: Mapping[str, str]) -> str:
    rows = [
        '<table class="claims">\n<tr><th>id</th><th>verdict</th><th>score</th><th>type</th>'
        "<th>speaker</th><th>claim</th><th>notes</th><th>evidence</th></tr>\n"
    ]
    for claim in sorted(claims, key=lambda c: -c.score):
        label = labels.get(claim.status)
        verdict = _e(claim.status) + (f" ({_e(label)})" if label else "")
        notes = "".join(f"<li>{_e(note)}</li>" for note in claim.notes)
        evidence = "".join(_evidence(item) for item in claim.evidence)
        rows.append(
            f'<tr id="row-{_e(claim.id)}"><td><code>{_e(claim.id[:8])}</code></td>'
            f'<td><span class="status status-{_slug(claim.status)}">{verdict}</span></td>'
            f'<td class="num">{claim.score:.2f}</td><td>{_e(claim.type)}</td>'
            f"<td>{_e(claim.speaker or '—')}</td><td>{_e(claim.claim)}</td>"
            f'<td><ul class="notes">{notes}</ul></td>'
            f'<td><ul class="evidence">{evidence}</ul></td></tr>\n'
        )
    rows.append("</table>\n")
    return "".join(rows)


def _evidence(item: HtmlEvidence) -> str:
    name = _e(item.title or item.target)
    shown = f'<a href="{_e(item.href)}">{name}</a>' if item.href else f"<code>{name}</code>"
    return f"<li>{_e(item.stance)}: {shown}</li>"


def from_section(section: ArticleSection) -> HtmlArticle:
    """An article of the store's ``latest_articles`` as the page shows it."""
    record = section.article
    claims = tuple(
        HtmlClaim(
            id=claim.id,
            start=claim.start,
            end=claim.end,
            claim=claim.claim or claim.text,
            status=claim.status,
            score=float(claim.score),
            type=claim.type,
            speaker=claim.speaker.name if claim.speaker else None,
            notes=tuple(f"{note.text} — {note.by}" for note in claim.notes),
            evidence=tuple(
                HtmlEvidence(e.target, e.stance or "context", e.title) for e in claim.evidence
            ),
        )
        for claim in section.claims
    )
    contradictions = tuple(
        HtmlContradiction(
            id=c.id,
            a=c.claims[0],
            b=c.claims[1],
            kind=c.kind,
            explanation=c.explanation,
            decision=c.decision,
        )
        for c in section.contradictions
        if not c.stale
    )
    return HtmlArticle(
        id=record.id,
        title=record.title or record.source,
        source=record.source,
        text=record.text or "",
        url=record.url,
        publisher=record.publisher,
        published=record.published,
        claims=claims,
        contradictions=contradictions,
    )
