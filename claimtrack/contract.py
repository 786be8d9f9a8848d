"""The JSON object ``claimtrack scan --json`` prints for one article (docs/CONTRACT.md).

Kept apart from the store so that a scan without storage imports neither TinyDB nor the store.
"""

from __future__ import annotations

from typing import Any

from claimtrack.model import ScanResult


def scan_json(
    result: ScanResult,
    stored_ids: dict[str, str] | None = None,
    statuses: dict[str, str] | None = None,
    article_id: str | None = None,
) -> dict[str, Any]:
    """The contract's JSON object for one scanned article (CONTRACT.md)."""
    ids = stored_ids or {}
    states = statuses or {}
    article = result.article
    meta = article.metadata
    claims = []
    for claim in result.claims:
        doc = claim.to_json(states.get(ids.get(claim.id, claim.id), "unverified"))
        doc["id"] = ids.get(claim.id, claim.id)
        claims.append(doc)
    contradictions = [contradiction.to_json(ids) for contradiction in result.contradictions]
    return {
        "schema": "claimtrack.scan/1",
        "article": {
            "id": article_id or article.id,
            "source": article.source,
            "sha256": article.sha256,
            "title": meta.title,
            "published": meta.published,
            "publisher": meta.publisher,
            "author": meta.author,
        },
        "claims": claims,
        "contradictions": contradictions,
        "errors": [e.to_json() for e in result.errors],
    }
