"""Finding the same claim across articles: normalised text, a compact index and fuzzy scores.

The index lives in ``match/<first hex digit of the claim id>.json``, one small row per live
claim: id, article, normalised claim text, status, speaker, type and when it was first seen.
Matching, ``search`` and the report's dashboard read only these shards, never the article files.
Scores are rapidfuzz ``token_set_ratio`` (0–100) over normalised text, so word order, extra
words on either side and simple inflections do not hide a repeated claim.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from tinydb import Query
from tinydb.table import Document

from claimtrack.storage import Transaction

MATCH_DIR = "match"
SHARDS = "0123456789abcdef"
#: Score from which a claim in another article is taken to be the same claim and linked.
LINK_THRESHOLD = 80.0
#: Score from which ``similar`` and ``search`` list a claim.
SEARCH_THRESHOLD = 60.0
#: A match must share at least this many content words (fewer when the query is shorter).
MIN_SHARED = 3

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
_STOPWORDS = frozenset(
    {
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "if",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "from",
        "by",
        "with",
        "without",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "has",
        "have",
        "had",
        "do",
        "does",
        "did",
        "will",
        "would",
        "shall",
        "should",
        "can",
        "could",
        "may",
        "might",
        "must",
        "that",
        "this",
        "these",
        "those",
        "it",
        "its",
        "it's",
        "they",
        "them",
        "their",
        "there",
        "here",
        "he",
        "she",
        "his",
        "her",
        "him",
        "we",
        "our",
        "us",
        "you",
        "your",
        "i",
        "me",
        "my",
        "said",
        "says",
        "say",
        "told",
        "tells",
        "also",
        "than",
        "then",
        "so",
        "such",
        "not",
        "no",
        "nor",
        "very",
        "more",
        "most",
        "much",
        "many",
        "into",
        "over",
        "under",
        "about",
        "after",
        "before",
        "between",
        "during",
        "which",
        "who",
        "whom",
        "whose",
        "what",
        "when",
        "where",
        "why",
        "how",
        "all",
        "any",
        "each",
        "both",
        "some",
        "just",
        "only",
        "own",
        "same",
        "other",
    }
)
_THOUSANDS = re.compile(r"(?<=\d)[,.](?=\d{3}\b)")
_CLAUSE = re.compile(
    r"[;:()“”\"]|,(?=\s)|\b(?:and|but|while|whereas|as|which|because|although|after|before)\b",
    re.IGNORECASE,
)
_SUFFIXES = ("ations", "ation", "ions", "ion", "ings", "ing", "ances", "ance", "ed", "es", "s")


def normalise(text: str) -> str:
    """Lower-case content words, lightly stemmed, in their original order."""
    text = _THOUSANDS.sub("", text.casefold())
    return " ".join(_stem(w) for w in _WORD.findall(text) if w not in _STOPWORDS)


def keys(text: str) -> list[str]:
    """The normalised forms a claim is matched by: the whole, then each clause long enough.

    A claim repeated inside a longer sentence ("She cited the construction of ... as an
    example of ...") still matches on the clause that carries it.
    """
    whole = normalise(text)
    clauses = [normalise(part) for part in _CLAUSE.split(text)]
    found = [whole] + [c for c in clauses if len(c.split()) >= MIN_SHARED and c != whole]
    return list(dict.fromkeys(found))


def _stem(word: str) -> str:
    if word.isalpha():
        for suffix in _SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 4:
                return word[: -len(suffix)]
    return word


def _share_enough(a: str, b: str) -> bool:
    left, right = set(a.split()), set(b.split())
    return len(left & right) >= min(MIN_SHARED, len(left), len(right)) > 0


def shard_file(claim_id: str) -> str:
    """The index shard holding a claim's row."""
    return f"{MATCH_DIR}/{claim_id[0]}.json"


def row(doc: dict[str, Any]) -> dict[str, Any]:
    """The compact index row of a stored claim."""
    speaker = doc.get("speaker") or {}
    forms = keys(doc.get("claim") or doc["text"])
    return {
        "id": doc["id"],
        "article": doc["article"],
        "norm": forms[0],
        "clauses": forms[1:],
        "status": doc["status"],
        "speaker": speaker.get("name") or speaker.get("mention"),
        "type": doc["type"],
        "seen": doc.get("first_seen"),
    }


@dataclass
class MatchIndex:
    """The match shards of one transaction.

    Each shard holds two tables: ``claims`` (the rows) and ``words``, one document mapping each
    normalised word to the rows that use it, so that a lookup scores only the claims sharing
    enough words with the query. Lookups read the shards' parsed tables directly: building a
    TinyDB document for each of 100k rows would cost seconds.
    """

    tx: Transaction

    def _tables(self, shard: str) -> dict[str, dict[str, Any]]:
        name = f"{MATCH_DIR}/{shard}.json"
        if not self.tx.exists(name):
            return {}
        return self.tx.db(name).storage.read() or {}

    def _post(self, name: str, numbered: Iterable[tuple[int, dict[str, Any]]]) -> None:
        words = self.tx.db(name).table("words")
        current = words.get(doc_id=1)
        postings: dict[str, list[str]] = dict(current["postings"]) if current else {}
        for number, item in numbered:
            for word in dict.fromkeys(item["norm"].split()):
                postings[word] = [*postings.get(word, ()), str(number)]
        words.upsert(Document({"postings": postings}, doc_id=1))

    def add(self, docs: Iterable[dict[str, Any]]) -> None:
        """Index new claims."""
        by_shard: dict[str, list[dict[str, Any]]] = {}
        for doc in docs:
            by_shard.setdefault(shard_file(doc["id"]), []).append(row(doc))
        for name, rows in by_shard.items():
            numbers = self.tx.db(name).table("claims").insert_multiple(rows)
            self._post(name, zip(numbers, rows, strict=True))

    def update(self, claim_id: str, **changes: Any) -> None:
        """Change the row of one claim (its status, or its text after an edit)."""
        name = shard_file(claim_id)
        numbers = self.tx.db(name).table("claims").update(changes, Query().id == claim_id)
        if "norm" in changes:  # words no longer used only add candidates, never scores
            self._post(name, ((n, changes) for n in numbers))

    def drop(self, claim_ids: Iterable[str]) -> None:
        """Remove claims that are no longer in their article (their postings find nothing)."""
        for claim_id in set(claim_ids):
            self.tx.db(shard_file(claim_id)).table("claims").remove(Query().id == claim_id)

    def clear(self) -> None:
        """Empty every shard (before a rebuild)."""
        for shard in SHARDS:
            name = f"{MATCH_DIR}/{shard}.json"
            self.tx.db(name).drop_tables()

    def find(
        self,
        text: str,
        threshold: float = SEARCH_THRESHOLD,
        limit: int = 20,
        exclude_article: str | None = None,
        exclude_id: str | None = None,
    ) -> list[tuple[dict[str, Any], float]]:
        """Indexed claims alike to ``text``, best first, as (row, score) pairs."""
        from rapidfuzz import fuzz  # imported here: marking claims must not pay for it

        queries = [(query, set(query.split())) for query in keys(text)]
        best: dict[str, tuple[dict[str, Any], float]] = {}
        for shard in SHARDS:
            tables = self._tables(shard)
            rows = tables.get("claims", {})
            postings = tables.get("words", {}).get("1", {}).get("postings", {})
            for query, words in queries:
                shared: Counter[str] = Counter()
                for word in words:
                    shared.update(postings.get(word, ()))
                need = min(MIN_SHARED, len(words))
                for number, count in shared.items():
                    item = rows.get(number)
                    if count < need or item is None:
                        continue
                    value = max(
                        (
                            fuzz.token_set_ratio(query, form, score_cutoff=threshold)
                            for form in (item["norm"], *item.get("clauses", ()))
                            if _share_enough(query, form)
                        ),
                        default=0.0,
                    )
                    if value and value > best.get(item["id"], ({}, 0.0))[1]:
                        best[item["id"]] = (item, float(value))
        found = [
            (dict(item), value)
            for item, value in best.values()
            if item["article"] != exclude_article and item["id"] != exclude_id
        ]
        found.sort(key=lambda pair: (-pair[1], pair[0]["seen"] or "", pair[0]["id"]))
        return found[:limit]

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for shard in SHARDS:
            for item in self._tables(shard).get("claims", {}).values():
                yield dict(item)
