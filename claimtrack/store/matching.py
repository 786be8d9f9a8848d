"""Finding the same claim across articles: normalised text, a full-text index and fuzzy scores.

Each live claim has a row in ``match_rows`` (article, normalised claim text and clauses,
status, speaker, type, when first seen) and one row per form (the whole claim, then each clause
long enough) in ``match_forms``, indexed word by word by SQLite FTS5 (``match_fts``).

A lookup asks the full-text index for the forms holding the rarest of its query's words (a form
sharing ``MIN_SHARED`` words with the query shares one of the ``len(words) - MIN_SHARED + 1``
rarest), keeps the claims sharing enough words with it, ranks them by how much of the shorter
text (whole or clause) they share, and scores the best ones with rapidfuzz ``token_set_ratio``
(0–100) over normalised text. Scores ignore word order, extra words on either side and simple
inflections, so a repeated claim is found in a longer sentence. Nothing here reads the articles.
"""

from __future__ import annotations

import functools
import heapq
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import orjson

from claimtrack.store.engine import Session
from claimtrack.store.records import Match

#: Score from which a claim in another article is taken to be the same claim and linked.
LINK_THRESHOLD = 80.0
#: Score from which ``similar`` and ``search`` list a claim.
SEARCH_THRESHOLD = 60.0
#: A match must share at least this many content words (fewer when the query is shorter).
MIN_SHARED = 3
#: Claims scored per lookup: at least ``CANDIDATES``, ``PER_RESULT`` per result asked for when
#: that is more; best word overlap first. A lookup reads the rows of these only.
CANDIDATES = 20
PER_RESULT = 6
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
    return list(_keys(text))


@functools.lru_cache(maxsize=4096)
def _keys(text: str) -> tuple[str, ...]:
    """``keys``, remembered: a batch of articles repeats claims, and each is keyed twice."""
    whole = normalise(text)
    clauses = [normalise(part) for part in _CLAUSE.split(text)]
    found = [whole] + [c for c in clauses if len(c.split()) >= MIN_SHARED and c != whole]
    return tuple(dict.fromkeys(found))


def _stem(word: str) -> str:
    if word.isalpha():
        for suffix in _SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 4:
                return word[: -len(suffix)]
    return word


def _share_enough(left: set[str], right: set[str]) -> bool:
    return len(left & right) >= min(MIN_SHARED, len(left), len(right)) > 0


def _score(queries: list[tuple[str, set[str]]], item: dict[str, Any], threshold: float) -> float:
    """The best score of a row's forms against the query's (0 below ``threshold``).

    A form qualifies when its token-set ratio reaches ``threshold`` (one text's words wholly
    inside the other's score 100); its score is the mean of that and the token-sort ratio, so a
    short query inside a long claim scores less than the same claim again, and only identical
    word lists score 100.
    """
    from rapidfuzz import fuzz  # imported here: marking claims must not pay for it

    best = 0.0
    for form in (item["norm"], *item.get("clauses", ())):
        words = set(form.split())
        for query, query_words in queries:
            if not _share_enough(query_words, words):
                continue
            overlap = fuzz.token_set_ratio(query, form, score_cutoff=threshold)
            if overlap:
                best = max(best, (overlap + fuzz.token_sort_ratio(query, form)) / 2)
    return float(best)


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


_ROW = "claim, article, status, speaker, type, seen, norm, clauses"


def as_match(item: dict[str, Any], score: float) -> Match:
    """An index row found by ``find``, with its score, as the record ``search`` returns."""
    return Match(
        id=item["id"],
        article=item["article"],
        norm=item["norm"],
        status=item["status"],
        score=score,
        clauses=tuple(item.get("clauses", ())),
        speaker=item.get("speaker"),
        type=item.get("type"),
        seen=item.get("seen"),
    )


def _row_of(found: tuple[Any, ...]) -> dict[str, Any]:
    claim, article, status, speaker, type_, seen, norm, clauses = found
    return {
        "id": claim,
        "article": article,
        "norm": norm,
        "clauses": orjson.loads(clauses),
        "status": status,
        "speaker": speaker,
        "type": type_,
        "seen": seen,
    }


def _term(word: str) -> str:
    """A word as the full-text index holds it (the tokenizer splits at apostrophes)."""
    return word.replace("'", "").replace("’", "")


@dataclass
class WordMatcher:
    """Finding indexed claims alike to a text, over any backend's word index.

    A backend reads its index through ``_read_count``, ``_forms_holding`` and ``_rows``. How
    many forms hold each word is read once per matcher (once it is not 0): the counts only
    choose which of a query's words to look up (any choice finds every match), so a count that
    a batch makes stale costs time, never a match.
    """

    _counts: dict[str, int] = field(default_factory=dict, init=False, repr=False)

    def find(
        self,
        text: str,
        threshold: float = SEARCH_THRESHOLD,
        limit: int = 20,
        exclude_article: str | None = None,
        exclude_id: str | None = None,
    ) -> list[tuple[dict[str, Any], float]]:
        """Indexed claims alike to ``text``, best first, as (row, score) pairs."""
        forms = keys(text)
        queries = [(query, set(query.split())) for query in forms]
        found = []
        for item in self._rows(self._candidates(forms, max(CANDIDATES, PER_RESULT * limit))):
            if item["article"] == exclude_article or item["id"] == exclude_id:
                continue
            value = _score(queries, item, threshold)
            if value:
                found.append((item, float(value)))
        found.sort(key=lambda pair: (-pair[1], pair[0]["seen"] or "", pair[0]["id"]))
        return found[:limit]

    def _candidates(self, forms: list[str], wanted: int) -> list[str]:
        """The claims sharing enough words with the query: all, or the ``wanted`` sharing most.

        ``forms`` are the query's normalised forms (``keys``). A claim qualifies when one of its
        forms shares ``need`` words with one of them; its rank is the largest share of the
        shorter text that one of its forms has in common with one of the query's, so a form
        wholly inside the other (a score of 100) ranks first. Only the forms holding one of the
        ``len(words) - need + 1`` rarest words of a query form are read, in one lookup.
        """
        queries = [
            words for words in ({_term(w) for w in form.split()} - {""} for form in forms) if words
        ]
        counts = {term: self._count(term) for term in set().union(*queries)} if queries else {}
        looked_up: set[str] = set()
        for words in queries:
            need = min(MIN_SHARED, len(words))
            ordered = sorted(words, key=lambda w: (counts[w], w))
            rare = ordered[: len(ordered) - need + 1]
            if len(rare) == 1 and not counts[rare[0]]:
                continue  # the one word every match must hold is in no stored claim
            looked_up.update(term for term in rare if counts[term])
        if not looked_up:
            return []
        rows = self._forms_holding(sorted(looked_up))
        tests = [(words, min(MIN_SHARED, len(words)), len(words)) for words in queries]
        best: dict[str, tuple[float, int]] = {}
        for form, claims in rows:
            form_words = set(form.split())
            found: tuple[float, int] | None = None
            for words, need, size in tests:
                count = len(words & form_words)
                share = (count / min(size, len(form_words)), count)
                if count >= need and (found is None or share > found):
                    found = share
            if found is None:
                continue
            for claim_id in claims.split():
                if found > best.get(claim_id, (0.0, 0)):
                    best[claim_id] = found
        if len(best) <= wanted:
            return sorted(best)
        ranked = heapq.nsmallest(wanted, ((-r, -n, c) for c, (r, n) in best.items()))
        return [claim_id for _, _, claim_id in ranked]

    def _count(self, term: str) -> int:
        """How many indexed forms hold ``term`` (read once per matcher, once it is not 0)."""
        if term in self._counts:
            return self._counts[term]
        count = self._read_count(term)
        if count:  # a word in no claim yet may be in the next one this session stores
            self._counts[term] = count
        return count

    def _read_count(self, term: str) -> int:
        """How many indexed forms hold ``term``."""
        raise NotImplementedError

    def _forms_holding(self, terms: list[str]) -> list[tuple[str, str]]:
        """Each distinct indexed form holding one of ``terms``, with its claims' ids (spaced)."""
        raise NotImplementedError

    def _rows(self, claim_ids: list[str]) -> list[dict[str, Any]]:
        """The index rows of some claims, in one read."""
        raise NotImplementedError


@dataclass
class MatchIndex(WordMatcher):
    """The embedded desk's match index, read and changed within one session."""

    session: Session

    def add(self, docs: Iterable[dict[str, Any]]) -> None:
        """Index new claims (a claim indexed already is replaced)."""
        for doc in docs:
            self._put(row(doc))

    def update(self, claim_id: str, **changes: Any) -> None:
        """Change the row of one claim (its status, or its text after an edit)."""
        if "norm" in changes or "clauses" in changes:
            item = self.get(claim_id)
            if item is not None:
                self._put(item | changes)
        elif "status" in changes:
            self.session.run(
                "UPDATE match_rows SET status = ? WHERE claim = ?", (changes["status"], claim_id)
            )

    def get(self, claim_id: str) -> dict[str, Any] | None:
        """The row of one claim, if it is indexed."""
        found = self.session.one(f"SELECT {_ROW} FROM match_rows WHERE claim = ?", (claim_id,))
        return _row_of(found) if found else None

    def drop(self, claim_ids: Iterable[str]) -> None:
        """Remove claims that are no longer in their article."""
        for claim_id in set(claim_ids):
            self.session.run("DELETE FROM match_rows WHERE claim = ?", (claim_id,))
            self.session.run("DELETE FROM match_forms WHERE claim = ?", (claim_id,))

    def clear(self) -> None:
        """Empty the index (before a rebuild)."""
        self.session.run("DELETE FROM match_rows")
        self.session.run("DELETE FROM match_forms")

    def speakers(self, statuses: Iterable[str]) -> Counter[str]:
        """Live claims per speaker among claims with one of ``statuses``."""
        wanted = list(statuses)
        marks = ",".join("?" * len(wanted))
        found = self.session.all(
            f"SELECT speaker, COUNT(*) FROM match_rows WHERE status IN ({marks})"
            " AND speaker IS NOT NULL AND speaker != '' GROUP BY speaker",
            tuple(wanted),
        )
        return Counter(dict(found))

    def _rows(self, claim_ids: list[str]) -> list[dict[str, Any]]:
        """The rows of some claims, in one read."""
        marks = ",".join("?" * len(claim_ids))
        found = self.session.all(
            f"SELECT {_ROW} FROM match_rows WHERE claim IN ({marks})", (*claim_ids,)
        )
        return [_row_of(row) for row in found]

    def _read_count(self, term: str) -> int:
        """How many indexed forms hold ``term``."""
        found = self.session.one("SELECT doc FROM match_vocab WHERE term = ?", (term,))
        return int(found[0]) if found else 0

    def _forms_holding(self, terms: list[str]) -> list[tuple[str, str]]:
        """Each distinct form holding one of ``terms``, with the claims that have it."""
        return self.session.all(
            "SELECT f.form, group_concat(f.claim, ' ') FROM match_fts JOIN match_forms f"
            " ON f.id = match_fts.rowid WHERE match_fts MATCH ? GROUP BY f.form",
            (" OR ".join(f'"{term}"' for term in terms),),
        )

    def _put(self, item: dict[str, Any]) -> None:
        claim_id = item["id"]
        self.drop([claim_id])
        self.session.run(
            f"INSERT INTO match_rows({_ROW}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                claim_id,
                item["article"],
                item["status"],
                item.get("speaker"),
                item.get("type"),
                item.get("seen"),
                item["norm"],
                orjson.dumps(item.get("clauses", [])).decode(),
            ),
        )
        self.session.many(
            "INSERT INTO match_forms(claim, form) VALUES (?, ?)",
            [
                (claim_id, " ".join(_term(w) for w in form.split()))
                for form in (item["norm"], *item.get("clauses", ()))
                if form
            ],
        )
