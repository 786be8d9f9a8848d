"""Finding the same claim across articles: normalised text, an index of words and fuzzy scores.

Each live claim has a row in ``match_rows`` (article, normalised claim text and clauses,
status, speaker, type, when first seen) and one row per form (the whole claim, then each clause
long enough) in ``match_forms``. Each distinct form is also kept once in ``match_texts``, and
``match_words`` lists the distinct forms holding each word (one row per word and form).

A lookup reads, for every word of its query, the distinct forms holding it, counts the query's
words each form holds, and ranks the forms sharing enough words with one of the query's forms
by how much of the shorter text (whole or clause) they share; the claims of the best forms are
scored with rapidfuzz ``token_set_ratio`` (0–100) over normalised text. The claims of a scanned
article are looked up together (``find_many``): each word's forms are read once for all of
them, and only the forms sharing enough words are read whole; each claim's result is what a
lookup of it alone gives. Scores ignore word order, extra words on either side and simple
inflections, so a repeated claim is found in a longer sentence. Nothing here reads the articles.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from claimtrack.store.engine import Session
from claimtrack.store.interface import SEARCH_THRESHOLD
from claimtrack.store.records import Match

#: A match must share at least this many content words (fewer when the query is shorter).
MIN_SHARED = 3
#: Claims scored per lookup: at least ``CANDIDATES``, ``PER_RESULT`` per result asked for when
#: that is more; best word overlap first. A lookup reads the rows of these only.
CANDIDATES = 20
PER_RESULT = 6
#: Texts looked up together (``find_many``): one read of their words' forms and of rows each.
BATCH = 64
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
_STOPWORDS = frozenset(
    {
        "a", "an", "the", "and", "or", "but", "if", "of", "in", "on", "at", "to", "for", "from",
        "by", "with", "without", "as", "is", "are", "was", "were", "be", "been", "being", "has",
        "have", "had", "do", "does", "did", "will", "would", "shall", "should", "can", "could",
        "may", "might", "must", "that", "this", "these", "those", "it", "its", "it's", "they",
        "them", "their", "there", "here", "he", "she", "his", "her", "him", "we", "our", "us",
        "you", "your", "i", "me", "my", "said", "says", "say", "told", "tells", "also", "than",
        "then", "so", "such", "not", "no", "nor", "very", "more", "most", "much", "many",
        "into", "over", "under", "about", "after", "before", "between", "during", "which",
        "who", "whom", "whose", "what", "when", "where", "why", "how", "all", "any", "each",
        "both", "some", "just", "only", "own", "same", "other",
    }
)  # fmt: skip
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


#: The columns of ``match_rows``, and the keys of the index rows they hold (``id``: ``claim``).
_ROW = "claim, article, status, speaker, type, seen, norm, clauses"
_ROW_KEYS = ("id", "article", "status", "speaker", "type", "seen", "norm", "clauses")


def as_match(item: dict[str, Any], score: float) -> Match:
    """An index row found by ``find``, with its score, as the record ``search`` returns."""
    return Match(score=score, **item | {"clauses": tuple(item["clauses"])})


def _row_of(found: tuple[Any, ...]) -> dict[str, Any]:
    """An index row as ``row`` gives it, from the ``_ROW`` columns of ``match_rows``."""
    item = dict(zip(_ROW_KEYS, found, strict=True))
    return item | {"clauses": orjson.loads(item["clauses"])}


def _term(word: str) -> str:
    """A word as the full-text index holds it (the tokenizer splits at apostrophes)."""
    return word.replace("'", "").replace("’", "")


def indexed_forms(items: Iterable[dict[str, Any]]) -> list[tuple[str, str]]:
    """(claim id, form) for each form of the index rows ``items``, as the word index holds it."""
    return [
        (item["id"], " ".join(_term(w) for w in form.split()))
        for item in items
        for form in (item["norm"], *item["clauses"])
        if form
    ]


class _Lookup:
    """One text being looked up: its normalised forms and their words as the index holds them."""

    def __init__(self, forms: list[str]) -> None:
        self.queries = [(query, set(query.split())) for query in forms]
        found = ({_term(w) for w in form.split()} for form in forms)
        self.terms = [words for words in found if words]
        self.all_terms: set[str] = set().union(*self.terms)


#: A rank: the share of the shorter text a form has in common with the query, and how many words.
_Rank = tuple[float, int]
#: A form ranked for a query: its rank, the form, and how many claims have it.
Ranked = tuple[_Rank, str, int]
#: A form asked for: the query's number in its batch, the form, and where the form's rank (share,
#: count) places it among the forms asked for that query (1 for the best; equal ranks, one place).
Asked = tuple[int, str, int]
#: Given ``asked(query, form, rank)``, each query's claims having a form asked for it, as
#: ``ranked(query, claim, place, found)``: a claim ranks as its best such form, ties by the
#: smallest id, of ``found`` claims in all; then ``chosen(query, found, claim, …, copy)``: the
#: best (as many as the second parameter says), numbered within what they say (``copy``: the
#: same normalised claim and clauses, ``{said}``, so the same score; the earliest seen, then the
#: smallest id, first), those of the article the first parameter names apart. SQL both backends
#: run, with their parameter marker ``{p}``: ``{forms}`` joins their table of forms as
#: ``f(claim, …)`` to ``a``, ``{claims}`` their claims as ``c(claim, article, seen, …)`` to
#: ``r``; ``{c}`` orders text byte by byte.
BEST_CLAIMS = (
    "held AS (SELECT a.query, f.claim, min(a.rank) AS rank FROM asked a JOIN {forms}"
    " GROUP BY a.query, f.claim),"
    " ranked AS (SELECT query, claim, row_number() OVER (PARTITION BY query ORDER BY rank,"
    " claim{c}) AS place, count(*) OVER (PARTITION BY query) AS found FROM held),"
    " chosen AS (SELECT r.query, r.found, c.*, row_number() OVER (PARTITION BY r.query,"
    " c.article = {p}, {said} ORDER BY COALESCE(c.seen, ''){c},"
    " c.claim{c}) AS copy FROM ranked r JOIN {claims} WHERE r.place <= {p})"
)


@dataclass
class WordMatcher:
    """Finding indexed claims alike to a text, over any backend's word index.

    A backend reads its index through ``_rank_forms`` (or the ``_postings`` and ``_forms_of``
    it ranks in Python by default) and ``_best_claims``.
    """

    def find(
        self,
        text: str,
        threshold: float = SEARCH_THRESHOLD,
        limit: int = 20,
        exclude_article: str | None = None,
    ) -> list[tuple[dict[str, Any], float]]:
        """Indexed claims alike to ``text``, best first, as (row, score) pairs."""
        return self.find_many([text], threshold, limit, exclude_article)[0]

    def find_many(
        self,
        texts: Sequence[str],
        threshold: float = SEARCH_THRESHOLD,
        limit: int = 20,
        exclude_article: str | None = None,
    ) -> list[list[tuple[dict[str, Any], float]]]:
        """``find`` for each of ``texts``, with one read of their words' forms and (mostly) one
        read of the best claims for each ``BATCH`` of them (a scanned article's claims are
        matched together)."""
        if len(texts) > BATCH:
            return [
                found
                for at in range(0, len(texts), BATCH)
                for found in self.find_many(
                    texts[at : at + BATCH], threshold, limit, exclude_article
                )
            ]
        lookups = [_Lookup(keys(text)) for text in texts]
        wanted = max(CANDIDATES, PER_RESULT * limit)
        ranked = self._rank_forms(lookups)
        chosen = self._candidates(ranked, wanted, limit, exclude_article)
        results = []
        for lookup, items in zip(lookups, chosen, strict=True):
            found = []
            scores: dict[tuple[str, tuple[str, ...]], float] = {}  # a claim repeated word for word
            for item in (item for item in items if item["article"] != exclude_article):
                said = (item["norm"], tuple(item["clauses"]))
                if said not in scores:
                    scores[said] = _score(lookup.queries, item, threshold)
                if scores[said]:
                    found.append((item, scores[said]))
            found.sort(key=lambda pair: (-pair[1], pair[0]["seen"] or "", pair[0]["id"]))
            results.append(found[:limit])
        return results

    def _candidates(
        self, ranked: list[list[Ranked]], wanted: int, limit: int, exclude_article: str | None
    ) -> list[list[dict[str, Any]]]:
        """For each query (its forms ``ranked``), the index rows of the claims sharing enough
        words with it: all, or the ``wanted`` sharing most (ties: the smallest ids); of those,
        at most ``limit`` of one text (and as many more of ``exclude_article``, which ``find``
        leaves out).

        A claim's rank is the best of its forms'. Only the best forms are asked for: enough of
        them, whole ties included, to hold ``wanted`` claims, more if forms shared claims. Every
        claim they have then has its true rank (its best form was asked for), and every claim
        they do not have ranks below them all.
        """
        places = [_places(order) for order in ranked]
        totals = [list(itertools.accumulate(size for _, _, size in order)) for order in ranked]
        target = [4 * wanted] * len(ranked)  # a claim's whole text and its clauses often all match
        chosen: list[list[dict[str, Any]] | None] = [None if order else [] for order in ranked]
        while pending := [n for n, found in enumerate(chosen) if found is None]:
            reach = {n: _reach(places[n], totals[n], target[n]) for n in pending}
            asked = [
                (n, ranked[n][at][1], places[n][at]) for n in pending for at in range(reach[n])
            ]
            best: dict[int, list[dict[str, Any]]] = {n: [] for n in pending}
            found: dict[int, int] = dict.fromkeys(pending, 0)
            for n, held, item in self._best_claims(asked, wanted, limit, exclude_article):
                best[n].append(item)
                found[n] = held
            for n in pending:
                if found[n] >= wanted or reach[n] == len(ranked[n]):
                    chosen[n] = best[n]
                else:  # forms shared claims: ask for more forms than these forms' claims reach
                    target[n] = totals[n][reach[n] - 1] + wanted - found[n]
        return [found or [] for found in chosen]

    def _rank_forms(self, lookups: list[_Lookup]) -> list[list[Ranked]]:
        """For each query, the distinct indexed forms sharing enough words with it, best first.

        A form qualifies when it shares ``need`` words with one of the query's forms; its rank
        is the largest share of the shorter text it has in common with one of them, so a form
        wholly inside the other (a score of 100) ranks first. By default the forms holding each
        of the queries' words are read once (``_postings``), the words each form shares with a
        query are counted here, and only the forms sharing as many as the least ``need`` of its
        forms are read whole (``_forms_of``) and ranked; a backend may rank them where they are.
        """
        words = sorted(set().union(*(q.all_terms for q in lookups)))
        holding = self._postings(words) if words else {}
        shared: list[list[int]] = []
        for lookup in lookups:
            least = min((min(MIN_SHARED, len(terms)) for terms in lookup.terms), default=0)
            counted = Counter(
                itertools.chain.from_iterable(holding.get(w, ()) for w in lookup.all_terms)
            )
            shared.append([form for form, count in counted.items() if least <= count])
        read = sorted(set().union(*shared))
        forms = self._forms_of(read) if read else {}
        return [
            _ranked(lookup, [forms[number] for number in found])
            for lookup, found in zip(lookups, shared, strict=True)
        ]

    def _postings(self, words: list[str]) -> dict[str, list[int]]:
        """For each of ``words`` some indexed form holds, the numbers of the distinct forms
        holding it."""
        raise NotImplementedError

    def _forms_of(self, numbers: list[int]) -> dict[int, tuple[str, int]]:
        """Distinct indexed forms by number, as (form, how many claims have it)."""
        raise NotImplementedError

    def _best_claims(
        self, asked: list[Asked], wanted: int, limit: int, exclude_article: str | None
    ) -> list[tuple[int, int, dict[str, Any]]]:
        """For each query, the index rows of the ``wanted`` best claims having one of the forms
        asked for it (a claim ranks as the best of those forms, share then count, ties by the
        smallest id), at most ``limit`` of one text (and ``limit`` more of ``exclude_article``),
        as (query, how many claims have the forms asked for it, row): ``BEST_CLAIMS``.

        Those left out could never be found: the texts alike score alike, and ``find`` keeps
        ``limit`` of them at most, the earliest seen (then the smallest ids) first.
        """
        raise NotImplementedError


def _ranked(lookup: _Lookup, forms: Iterable[tuple[str, int]]) -> list[Ranked]:
    """Of ``forms`` (form, how many claims have it), those sharing enough words with the query,
    best first, with their rank (``WordMatcher._rank_forms``); equal ranks by their text."""
    tests = [(words, min(MIN_SHARED, len(words)), len(words)) for words in lookup.terms]
    found: list[Ranked] = []
    for form, size in forms:
        form_words = set(form.split())
        shares = [
            (count / min(length, len(form_words)), count)
            for words, need, length in tests
            if (count := len(words & form_words)) >= need
        ]
        if shares:
            found.append((max(shares), form, size))
    found.sort(key=lambda item: (-item[0][0], -item[0][1], item[1]))
    return found


def _places(order: list[Ranked]) -> list[int]:
    """Where each of the ranked forms ``order`` (best first) stands: 1 for the best, one place
    for equal ranks."""
    first: dict[_Rank, int] = {}
    return [first.setdefault(rank, at) for at, (rank, _, _) in enumerate(order, 1)]


def _reach(places: list[int], totals: list[int], target: int) -> int:
    """How many ranked forms to read claims of, given their ``places`` and the running
    ``totals`` of their claims: the fewest whose claims add up to ``target``, and the rest of
    the last one's tie."""
    last = min(bisect.bisect_left(totals, target), len(totals) - 1)
    return bisect.bisect_right(places, places[last])


@dataclass
class MatchIndex(WordMatcher):
    """The embedded desk's match index, read and changed within one session."""

    session: Session

    def add(self, docs: Iterable[dict[str, Any]]) -> None:
        """Index new claims (a claim indexed already is replaced)."""
        items = {item["id"]: item for item in map(row, docs)}
        self.drop(items)
        self.session.many(
            f"INSERT INTO match_rows({_ROW}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (*(item[k] for k in _ROW_KEYS[:-1]), orjson.dumps(item["clauses"]).decode())
                for item in items.values()
            ],
        )
        forms = indexed_forms(items.values())
        self.session.many("INSERT INTO match_forms(claim, form) VALUES (?, ?)", forms)
        added = self.session.all(  # the forms no claim had, to list under each of their words
            "INSERT OR IGNORE INTO match_texts(form) SELECT value FROM json_each(?)"
            " RETURNING id, form",
            (orjson.dumps([form for _, form in forms]).decode(),),
        )
        self.session.many(
            "INSERT INTO match_words(word, text) VALUES (?, ?)",
            [(word, number) for number, form in added for word in set(form.split())],
        )

    def update(self, claim_id: str, status: str) -> None:
        """Change the status of one claim's row (an edited claim is indexed again: ``add``)."""
        self.session.run("UPDATE match_rows SET status = ? WHERE claim = ?", (status, claim_id))

    def drop(self, claim_ids: Iterable[str]) -> None:
        """Remove claims that are no longer in their article (and the forms no claim has)."""
        ids = (orjson.dumps(list(set(claim_ids))).decode(),)
        claims = "claim IN (SELECT value FROM json_each(?))"
        self.session.run(f"DELETE FROM match_rows WHERE {claims}", ids)
        forms = self.session.all(f"DELETE FROM match_forms WHERE {claims} RETURNING form", ids)
        gone = self.session.all(
            "DELETE FROM match_texts WHERE form IN (SELECT value FROM json_each(?)) AND NOT EXISTS"
            " (SELECT 1 FROM match_forms f WHERE f.form = match_texts.form) RETURNING id, form",
            (orjson.dumps([form for (form,) in forms]).decode(),),
        )
        self.session.many(
            "DELETE FROM match_words WHERE word = ? AND text = ?",
            [(word, number) for number, form in gone for word in set(form.split())],
        )

    def clear(self) -> None:
        """Empty the index (before a rebuild)."""
        for table in ("match_rows", "match_forms", "match_texts", "match_words"):
            self.session.run(f"DELETE FROM {table}")

    def speakers(self, statuses: Iterable[str]) -> Counter[str]:
        """Live claims per speaker among claims with one of ``statuses``."""
        found = self.session.all(
            "SELECT speaker, COUNT(*) FROM match_rows WHERE status IN (SELECT value FROM"
            " json_each(?)) AND speaker IS NOT NULL AND speaker != '' GROUP BY speaker",
            (orjson.dumps(list(statuses)).decode(),),
        )
        return Counter(dict(found))

    def _postings(self, words: list[str]) -> dict[str, list[int]]:
        """For each of ``words`` some indexed form holds, the ids of the distinct forms holding
        it (``match_words``, in one read: a JSON array per word)."""
        found = self.session.all(
            "SELECT word, json_group_array(text) FROM match_words"
            " WHERE word IN (SELECT value FROM json_each(?)) GROUP BY word",
            (orjson.dumps(words).decode(),),
        )
        return {word: orjson.loads(ids) for word, ids in found}

    def _forms_of(self, numbers: list[int]) -> dict[int, tuple[str, int]]:
        """Distinct forms by id, as (form, how many claims have it)."""
        found = self.session.all(
            "SELECT t.id, t.form, (SELECT count(*) FROM match_forms f WHERE f.form = t.form)"
            " FROM match_texts t WHERE t.id IN (SELECT value FROM json_each(?))",
            (orjson.dumps(numbers).decode(),),
        )
        return {number: (form, size) for number, form, size in found}

    def _best_claims(
        self, asked: list[Asked], wanted: int, limit: int, exclude_article: str | None
    ) -> list[tuple[int, int, dict[str, Any]]]:
        """For each query, the rows of the ``wanted`` best claims having a form asked for it."""
        chosen = BEST_CLAIMS.format(
            forms="match_forms f ON f.form = a.form",
            claims="match_rows c ON c.claim = r.claim",
            said="c.norm, c.clauses",
            c="",
            p="?",
        )
        found = self.session.all(
            "WITH asked(query, form, rank) AS (SELECT value ->> 0, value ->> 1, value ->> 2"
            f" FROM json_each(?)), {chosen}"
            f" SELECT query, found, {_ROW} FROM chosen WHERE copy <= ?",
            (orjson.dumps(asked).decode(), exclude_article or "", wanted, limit),
        )
        return [(int(r[0]), int(r[1]), _row_of(r[2:])) for r in found]
