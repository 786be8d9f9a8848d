"""Links between repeated claims, read with the linked claims' current status."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any

from claimtrack.errors import StoreError
from claimtrack.store.documents import claim_doc, docs_of, resolve
from claimtrack.store.engine import Session
from claimtrack.store.records import Link

#: Articles whose claims a lookup of linked claims keeps parsed (the most recently read).
LINKED_ARTICLES = 64


def links(session: Session, prefix: str) -> list[Link]:
    """The claims of other articles linked to one claim, with their current status."""
    claim_id, article_id = resolve(session, prefix)
    found = claim_doc(session, claim_id, article_id).get("links", [])
    return _current(_claims_of(session), found)


def earlier_verdicts(session: Session, claim_ids: Iterable[str]) -> dict[str, list[Link]]:
    """For each claim, the claims of other articles it repeats, with their current status.

    Claims without links (or unknown) are left out.
    """
    found: dict[str, list[Link]] = {}
    claims_of = _claims_of(session)
    for claim_id in claim_ids:
        try:
            _, article_id = resolve(session, claim_id)
        except StoreError:
            continue
        doc = claims_of(article_id).get(claim_id) or {}
        current = _current(claims_of, doc.get("links", []))
        if current:
            found[claim_id] = current
    return found


def _claims_of(session: Session) -> Callable[[str], dict[str, dict[str, Any]]]:
    """The stored claims of an article by id; the last ``LINKED_ARTICLES`` articles read are
    kept, as links often lead to the same ones."""

    @functools.lru_cache(maxsize=LINKED_ARTICLES)
    def claims_of(article_id: str) -> dict[str, dict[str, Any]]:
        return {doc["id"]: doc for doc in docs_of(session, article_id).claims}

    return claims_of


def _current(
    claims_of: Callable[[str], dict[str, dict[str, Any]]], stored: Iterable[dict[str, Any]]
) -> list[Link]:
    current = []
    for link in stored:
        doc = claims_of(link["article"]).get(link["id"])
        if doc is not None and not doc.get("removed"):
            current.append(
                Link(
                    id=link["id"],
                    article=link["article"],
                    score=link["score"],
                    status=doc["status"],
                    claim=doc.get("claim") or doc["text"],
                    speaker=(doc.get("speaker") or {}).get("name"),
                    first_seen=doc.get("first_seen"),
                )
            )
    return current
