"""Moving a whole desk between any two stores (``claimtrack db copy``), checked by a digest.

Everything goes through the ``Store`` interface (``stored_articles``, ``log``, ``settings``,
``load`` and ``configure``), so a desk moves between any two backends, its statuses and ratings
with it. A ``Fingerprint`` counts what a desk holds and digests it: SHA-256 over a canonical
serialisation of its records (for each article in id order, the SHA-256 of its sorted-key JSON
with all it holds; then each history entry as sorted-key JSON, oldest first, since their order
is part of the content). Two desks with the same content have
the same digest whichever backend keeps them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields

import orjson

from claimtrack.config import INITIAL_STATUS, parse_config_text
from claimtrack.errors import StoreError
from claimtrack.store.interface import Store
from claimtrack.store.records import Change, StoredArticle


@dataclass
class Fingerprint:
    """What a desk holds, counted, and the digest of its content."""

    articles: int = 0
    claims: int = 0
    verdicts: int = 0  # claims with a status other than the initial one
    notes: int = 0
    evidence: int = 0
    contradictions: int = 0
    decisions: int = 0  # contradictions confirmed or dismissed
    rescans: int = 0
    changes: int = 0
    digest: str = ""
    #: Each article's own digest, by id, until ``seal`` combines them in id order.
    _articles: dict[str, bytes] = field(default_factory=dict, repr=False)

    def counts(self) -> dict[str, int]:
        """The counts by name."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.type == "int"}

    def tally(self, articles: Iterable[StoredArticle]) -> Iterator[StoredArticle]:
        """Count and digest articles as they pass."""
        for stored in articles:
            self.articles += 1
            self.claims += len(stored.claims)
            self.verdicts += sum(c.status != INITIAL_STATUS for c in stored.claims)
            self.notes += sum(len(c.notes) for c in stored.claims)
            self.evidence += sum(len(c.evidence) for c in stored.claims)
            self.contradictions += len(stored.contradictions)
            self.decisions += sum(c.decision is not None for c in stored.contradictions)
            self.rescans += len(stored.rescans)
            own = hashlib.sha256(_canonical(stored.to_json()))
            self._articles[stored.article.id] = own.digest()
            yield stored

    def seal(self, changes: Iterable[Change]) -> None:
        """Digest the articles tallied and the history (oldest first)."""
        digest = hashlib.sha256()
        for article_id in sorted(self._articles):
            digest.update(self._articles[article_id])
        self._articles.clear()
        for change in changes:
            self.changes += 1
            digest.update(_canonical(change.to_json()))
        self.digest = digest.hexdigest()


def fingerprint(store: Store) -> Fingerprint:
    """Count and digest everything a store holds, from one snapshot."""
    found = Fingerprint()
    with store.session():
        for _ in found.tally(store.stored_articles()):
            pass
        found.seal(reversed(store.log()))
    return found


def copy_desk(
    source: Store, target: Store, replace: bool = False
) -> tuple[Fingerprint, Fingerprint]:
    """Copy everything ``source`` holds into ``target``; return both sides' fingerprints.

    ``target`` must be empty unless ``replace`` (its content is then replaced). The source is
    read from one snapshot; the target is written in one change, with the source's settings
    (its statuses and ratings, or the defaults: the claims keep their statuses, so the target
    takes the vocabulary they come from), and is then read back.
    """
    if source.location == target.location:
        raise StoreError(f"cannot copy {source.location} onto itself")
    copied = Fingerprint()
    with source.session():
        changes = source.log()[::-1]
        settings = source.settings()
        if settings is not None:  # settings that do not parse: refused before anything is written
            parse_config_text(settings, f"the settings of {source.location}")
        target.load(copied.tally(source.stored_articles()), changes, replace, settings)
    copied.seal(changes)
    return copied, fingerprint(target)


def _canonical(doc: object) -> bytes:
    return orjson.dumps(doc, option=orjson.OPT_SORT_KEYS) + b"\n"
