"""Upgrading older databases; the claim and match indexes: rebuilding, checking, candidates."""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from claimtrack.cli import app
from claimtrack.model import Claim, Metadata, ScanResult, Speaker
from claimtrack.store import Filters, documents, matching, open_store, recovery
from claimtrack.store.interface import SEARCH_THRESHOLD
from claimtrack.store.matching import CANDIDATES
from claimtrack.store.schema import MIGRATIONS, SCHEMA
from claimtrack.text import make_article

FIXTURES = Path(__file__).parent / "fixtures"
SYLLABLES = ("ka", "lo", "mi", "ran", "tes", "por", "vu", "shen", "da", "gri", "nol", "ep")


def run(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


def article(sentences: list[str], title: str, speaker: str | None = None) -> ScanResult:
    """One article whose sentences are all stored as check-worthy claims."""
    text = f"{title}\n\n" + " ".join(sentences)
    made = make_article(text, "-", Metadata(title=title))
    claims, at = [], text.index("\n\n") + 2
    for sentence in sentences:
        who = Speaker(speaker) if speaker else None
        claims.append(
            Claim.from_span(made, at, at + len(sentence), score=0.9, checkworthy=True, speaker=who)
        )
        at += len(sentence) + 1
    return ScanResult(article=made, claims=tuple(claims))


def word(rng: random.Random) -> str:
    return "".join(rng.choices(SYLLABLES, k=rng.randint(3, 4)))


def match_problems(root: Path) -> list[str]:
    return [p.message for p in recovery.check(root).problems if p.kind == "match"]


def sql(root: Path, statement: str, *args: Any) -> list[Any]:
    """Run one statement on a database behind claimtrack's back (to damage it)."""
    with sqlite3.connect(root / "claimtrack.sqlite") as conn:
        return conn.execute(statement, args).fetchall()


def word_lists(root: Path) -> set[tuple[str, str]]:
    """The embedded desk's lists of the distinct forms holding each word, as (word, form)."""
    held = sql(root, "SELECT w.word, t.form FROM match_words w JOIN match_texts t ON t.id = w.text")
    forms = sql(root, "SELECT form FROM match_texts")
    assert len(forms) == len({form for _, form in held})  # every form is listed, once
    return set(held)


def live_word_lists(store: Any) -> set[tuple[str, str]]:
    """What ``word_lists`` must be: each word of each form of the live claims."""
    held = set()
    for claim in store.claims():
        for form in matching.keys(claim.claim or claim.text):
            terms = " ".join(matching._term(w) for w in form.split())
            held |= {(word, terms) for word in terms.split()}
    return held


def test_schema_1_database_is_upgraded_on_first_use(tmp_path: Path) -> None:
    root = tmp_path / "db"
    shutil.copytree(FIXTURES / "db_schema1", root)
    store = open_store(root)
    verified = store.claim("6cbd")
    assert verified.status == "verified"
    assert [n.text for n in verified.notes] == ["Built with Soviet help, 1973"]
    assert sorted(p.name for p in root.iterdir()) == [
        "claimtrack.sqlite", "claimtrack.sqlite-shm", "claimtrack.sqlite-wal", "pre-sqlite"
    ]  # fmt: skip
    assert (root / "pre-sqlite" / "catalog.json").is_file()
    found = store.search("Pakistan Steel Mills were constructed with Soviet help in the 1970s")
    assert verified.id in [f.id for f in found]
    assert store.claim("2740").status == "disputed"
    assert store.dashboard().awaiting_total == store.summary().claims - 2
    assert [h.action for h in store.log()] == ["status", "status"]
    assert len(store.claims(Filters(include_removed=True))) == 15
    assert len(store.select_contradictions()) == 3
    report = recovery.check(root)
    assert report.ok, report.problems
    assert sql(root, "SELECT value FROM meta WHERE key = 'schema'") == [(str(SCHEMA),)]


def test_a_database_made_by_the_json_folder_claimtrack_upgrades_without_loss(
    tmp_path: Path,
) -> None:
    """``db_schema2`` was made by claimtrack 589ccf2 (its match index and backups left out):
    three articles, one rescanned with changed text, verdicts, notes, evidence, an undo and a
    contradiction decision. ``db upgrade`` carries every one of them over."""
    root = tmp_path / "db"
    shutil.copytree(FIXTURES / "db_schema2", root)
    result = run("db", "upgrade", "--db", str(root), "--json")
    assert result.exit_code == 0, result.stderr
    done = json.loads(result.stdout)
    assert (done["upgraded"], done["articles"], done["changes"]) == (True, 3, 8)
    before = json.loads((FIXTURES / "db_schema2.claims.json").read_text(encoding="utf-8"))
    after = json.loads(run("claims", "--db", str(root), "--json").stdout)
    assert sorted(after, key=lambda c: c["id"]) == sorted(before, key=lambda c: c["id"])
    log = json.loads((FIXTURES / "db_schema2.log.json").read_text(encoding="utf-8"))
    assert json.loads(run("log", "--db", str(root), "--json").stdout) == log
    store = open_store(root)
    assert [c.decision for c in store.select_contradictions(decision="confirmed")] == ["confirmed"]
    assert len(store.rescans("/tmp/pak.txt")) == 1  # the rescan of changed text is kept
    assert recovery.check(root).ok
    again = run("db", "upgrade", "--db", str(root))
    assert again.exit_code == 0 and "up to date" in again.stdout


def test_a_schema_4_desk_gets_its_word_lists_from_its_forms(tmp_path: Path) -> None:
    """Migration 5 replaces the FTS5 index of schema 4 with the lists of the forms holding each
    word, made from the forms the desk holds: matching finds what it found."""
    root = tmp_path / "db"
    rng = random.Random(23)
    vocabulary = [word(rng) for _ in range(30)]
    texts = [" ".join(["The", *rng.sample(vocabulary, rng.randint(3, 8))]) + "." for _ in range(40)]
    store = open_store(root)
    store.save_scans([article(rng.sample(texts, 6), f"Report {n}") for n in range(12)])
    queries = rng.sample(texts, 8)
    found = [[(m.id, m.score) for m in store.search(q, limit=3)] for q in queries]
    held = word_lists(root)
    store.close()
    with sqlite3.connect(root / "claimtrack.sqlite") as conn:  # back to schema 4's layout
        conn.executescript(
            "DROP TABLE match_texts; DROP TABLE match_words;"
            + ";".join(s for s in MIGRATIONS[3] if "match_fts" in s)
            + "; INSERT INTO match_fts(match_fts) VALUES ('rebuild');"
            " UPDATE meta SET value = '4' WHERE key = 'schema';"
        )
    assert sql(root, "SELECT count(*) FROM match_vocab WHERE term = ?", vocabulary[0])[0][0] > 0
    store = open_store(root)
    assert [[(m.id, m.score) for m in store.search(q, limit=3)] for q in queries] == found
    assert word_lists(root) == held == live_word_lists(store)
    assert sql(root, "SELECT name FROM sqlite_master WHERE name LIKE 'match_fts%'") == []
    assert sql(root, "SELECT value FROM meta WHERE key = 'schema'") == [(str(SCHEMA),)]
    assert recovery.check(root).ok


def test_reindex_repairs_damaged_indexes_and_counts(db_path: Path) -> None:
    assert run("scan", str(FIXTURES / "desk_pakistan_russia.txt")).exit_code == 0
    claim = open_store(db_path).claims()[0]
    sql(db_path, "DELETE FROM match_rows WHERE claim = ?", claim.id)
    sql(db_path, "UPDATE claim_ids SET article = 'elsewhere' WHERE id = ?", claim.id)
    body = json.loads(sql(db_path, "SELECT body FROM catalog")[0][0])
    body["statuses"] = {"unverified": 99}  # a count made wrong behind claimtrack's back
    sql(db_path, "UPDATE catalog SET body = ?", json.dumps(body))
    kinds = {p.kind for p in recovery.check(db_path).problems}
    assert kinds == {"match", "index", "catalog"}
    assert run("db", "check").exit_code == 1
    result = run("db", "reindex", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["claims"] == len(open_store(db_path).claims())
    assert recovery.check(db_path).ok
    assert claim.id in [f.id for f in open_store(db_path).search(claim.text)]
    assert run("db", "reindex", "--db", str(db_path / "nothing")).exit_code == 1


def test_speaker_counts_follow_verdicts(tmp_path: Path) -> None:
    store = open_store(tmp_path / "db")
    sentences = [
        "The harbour authority said cargo volumes rose 12 percent in the first quarter.",
        "Officials expect the new terminal to open in March with 400 workers.",
    ]
    [record] = store.save_scans([article(sentences, "Harbour", speaker="Ana Costa")])
    ids = [c["id"] for c in record["claims"]]
    store.mark(ids, "false")
    assert store.dashboard().speakers == (("Ana Costa", 2),)
    store.mark([ids[0]], "verified")
    assert store.dashboard().speakers == (("Ana Costa", 1),)
    store.undo()
    assert store.dashboard().speakers == (("Ana Costa", 2),)
    assert match_problems(tmp_path / "db") == []


def test_rescans_keep_the_match_index_in_step(
    tmp_path: Path, save_sentences: Callable[..., list[dict[str, Any]]]
) -> None:
    store = open_store(tmp_path / "db")
    source = tmp_path / "a.txt"
    text = (
        "The harbour authority said cargo volumes rose 12 percent in the first quarter. "
        "Officials expect the new terminal to open in March with 400 workers. "
        "Dredging of the channel cost 30 million euros last year."
    )

    first = save_sentences(store, source, text)
    store.mark([first[0]["id"]], "disputed")
    replaced = "Dredging of the channel cost 30 million euros last year."
    second = save_sentences(
        store,
        source,
        text.replace("12 percent", "13 percent").replace(replaced, "A ferry line opens in June."),
    )
    assert match_problems(tmp_path / "db") == []
    assert word_lists(tmp_path / "db") == live_word_lists(store)  # the dropped forms are gone
    found = store.search("cargo volumes rose 13 percent in the first quarter")
    # The number changed, so the verdict was reopened: the index says so too.
    assert found[0].id == first[0]["id"] and found[0].status == "unverified"
    assert store.claim(first[2]["id"]).removed
    assert first[2]["id"] not in [f.id for f in store.search("Dredging channel cost euros")]
    assert [f.id for f in store.search("ferry line opens June")] == [second[2]["id"]]


def test_common_words_and_many_copies_still_find_the_best_matches(
    desk: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(3)
    store = open_store(desk)
    common = "The ministry said the budget deficit rose by percent"
    filler = [
        article([f"{common} {rng.randint(2, 99)} in {word(rng)} {word(rng)}." for _ in range(10)],
                f"Filler {n}")
        for n in range(30)
    ]  # fmt: skip
    target = f"The {word(rng)} {word(rng)} told {word(rng)} the {word(rng)} harbour closed."
    copies = [article([target], f"Copy {n}") for n in range(2 * CANDIDATES + 10)]
    store.save_scans([*filler, *copies])
    found = store.search(target, limit=5)
    assert len(found) == 5 and {f.score for f in found} == {100.0}
    copy = store.claims(Filters(article=copies[0].article.id))[0]
    similar = store.similar(copy.id, limit=len(copies))
    assert len(similar) == len(copies) - 1 and all(s.score == 100.0 for s in similar)
    assert copy.id not in [s.id for s in similar]
    needle = store.claims(Filters(article=filler[7].article.id))[4]
    assert store.search(needle.text, limit=1)[0].id == needle.id
    scored: list[str] = []
    monkeypatch.setattr(matching, "_score", lambda _, item, __: scored.append(item["id"]) or 0.0)
    store.search(common, limit=1)
    assert len(scored) == CANDIDATES  # 300 claims share those words; only the best few are scored


def test_only_forms_sharing_enough_words_are_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A word many claims hold costs its list of forms, not a read of each of them."""
    rng = random.Random(29)
    store = open_store(tmp_path / "db")
    common = [
        article([f"The minister {word(rng)} {word(rng)} {word(rng)}." for _ in range(8)], f"A {n}")
        for n in range(20)
    ]  # 160 claims sharing one word with the query
    target = "The minister opened the harbour bridge in Karachi"
    repeats = article([f"{target} on Monday.", "The harbour bridge opened."], "B")
    store.save_scans([*common, repeats])
    read: list[str] = []
    forms_of = matching.MatchIndex._forms_of

    def reading(index: matching.MatchIndex, numbers: list[int]) -> dict[int, tuple[str, int]]:
        found = forms_of(index, numbers)
        read.extend(form for form, _ in found.values())
        return found

    monkeypatch.setattr(matching.MatchIndex, "_forms_of", reading)
    found = store.search(target, limit=5)
    assert found and {m.article for m in found} == {repeats.article.id}
    query = matching._Lookup(matching.keys(target)).all_terms
    assert read and all(len(query & set(form.split())) >= matching.MIN_SHARED for form in read)
    assert len(read) <= 3  # the two claims' forms, not the 160 holding "minister"


def test_dashboard_lists_the_oldest_pending_claims_best_first_across_articles(
    desk: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = iter(f"2024-01-{day:02d}T10:00:00+00:00" for day in range(1, 29))
    monkeypatch.setattr(documents, "now", lambda: next(clock))
    rng = random.Random(5)
    store = open_store(desk)
    for n in range(6):
        sentences = [f"The {word(rng)} {word(rng)} rose {n + 2} percent." for _ in range(3)]
        store.save_scans([article(sentences, f"Report {n}")])
    claims = store.claims()
    store.mark([c.id for c in claims[:4]], "verified")
    store.mark([claims[5].id], "in progress")
    overview = store.dashboard(limit=4)
    pending = sorted(
        (c for c in store.claims() if c.status in ("unverified", "in progress")),
        key=lambda c: (c.first_seen or "", -c.score, c.id),
    )
    assert [c.id for c in overview.awaiting] == [c.id for c in pending[:4]]
    assert overview.awaiting_total == len(pending)


class ListMatcher(matching.WordMatcher):
    """A word index kept in a list of (claim id, form); a distinct form's number is its place
    among the distinct forms."""

    def __init__(self, forms: list[tuple[str, str]]) -> None:
        super().__init__()
        self.forms = forms
        self.distinct = list(Counter(form for _, form in forms).items())

    def _postings(self, words: list[str]) -> dict[str, list[int]]:
        holding: dict[str, list[int]] = {}
        for number, (form, _) in enumerate(self.distinct):
            for word in set(words) & set(form.split()):
                holding.setdefault(word, []).append(number)
        return holding

    def _forms_of(self, numbers: list[int]) -> dict[int, tuple[str, int]]:
        return {number: self.distinct[number] for number in numbers}

    def _best_claims(
        self, asked: list[matching.Asked], wanted: int, limit: int, exclude: str | None
    ) -> list[tuple[int, int, dict[str, Any]]]:
        best: dict[tuple[int, str], int] = {}
        for query, form, rank in asked:
            for claim in (c for c, f in self.forms if f == form):
                best[query, claim] = min(best.get((query, claim), rank), rank)
        ranked = sorted(best, key=lambda k: (k[0], best[k], k[1]))
        held = Counter(query for query, _ in best)
        places = Counter[int]()
        found = []
        for query, claim in ranked:
            places[query] += 1
            if places[query] <= wanted:
                found.append((query, held[query], {"id": claim}))
        return found


def chosen_ids(matcher: ListMatcher, lookup: Any, wanted: int) -> list[str]:
    """The candidates ``find`` would score for one query, by id."""
    [chosen] = matcher._candidates(matcher._rank_forms([lookup]), wanted, wanted, None)
    return sorted(item["id"] for item in chosen)


def test_reading_the_best_forms_chooses_the_claims_reading_all_would() -> None:
    rng = random.Random(11)
    for _ in range(60):
        vocabulary = [f"w{n}" for n in range(rng.choice((6, 10, 14)))]
        texts = [" ".join(rng.sample(vocabulary, rng.randint(3, 6))) for _ in range(25)]
        forms = []
        for n in range(rng.randint(50, 400)):
            claim = f"{n:04x}"
            whole = rng.choice(texts).split()  # many claims share a text, as repeats do
            if rng.random() < 0.5:
                whole = rng.sample(vocabulary, len(whole))  # or have their own
            clauses = [rng.sample(whole, 3) for _ in range(rng.randint(0, 3))]
            said = dict.fromkeys(" ".join(words) for words in [whole, *clauses])
            forms += [(claim, text) for text in said]
        query = " ".join(rng.sample(vocabulary, rng.randint(3, len(vocabulary) - 2)))
        lookup = matching._Lookup([query])
        wanted = rng.choice((5, 20, 60))
        chosen = chosen_ids(ListMatcher(forms), lookup, wanted)
        assert chosen == every_claim_ranked(lookup, forms, wanted)


def test_a_claim_whose_forms_all_rank_first_counts_once() -> None:
    forms = [
        ("a", "w0 w1 w2 w3 w4"),
        ("a", "w0 w1 w2 w3"),
        ("a", "w0 w1 w2"),
        ("a", "w2 w3 w4"),
        ("b", "w1 w2 w3 x"),
        ("c", "w2 w3 w4 x y"),
    ]
    lookup = matching._Lookup(["w0 w1 w2 w3 w4"])
    assert chosen_ids(ListMatcher(forms), lookup, 2) == every_claim_ranked(lookup, forms, 2)
    assert every_claim_ranked(lookup, forms, 2) == ["a", "b"]


def every_claim_ranked(lookup: Any, forms: list[tuple[str, str]], wanted: int) -> list[str]:
    """The claims sharing enough words with the query, ranked from all their forms (as
    matching did before it read the best forms only): all, or the ``wanted`` best."""
    query = lookup.terms[0]
    need = min(matching.MIN_SHARED, len(query))
    best: dict[str, tuple[float, int]] = {}
    for claim, form in forms:
        words = set(form.split())
        count = len(query & words)
        rank = (count / min(len(query), len(words)), count)
        if count >= need and rank > best.get(claim, (0.0, 0)):
            best[claim] = rank
    if len(best) <= wanted:
        return sorted(best)
    return sorted(sorted(best, key=lambda c: (-best[c][0], -best[c][1], c))[:wanted])


def exhaustive_find(
    claims: list[Any], text: str, limit: int, exclude: str | None = None
) -> list[tuple[str, float]]:
    """What ``find`` must give, from every live claim: the ``wanted`` sharing most words with
    the query (ranked from all their forms, ties by the smallest id) scored, best first."""
    lookup = matching._Lookup(matching.keys(text))
    rows = [matching.row(c.to_json()) for c in claims if not c.removed]
    best: dict[str, tuple[float, int]] = {}
    for item in rows:
        for form in (item["norm"], *item["clauses"]):
            words = {matching._term(w) for w in form.split()} - {""}
            for query in lookup.terms:
                count = len(query & words)
                rank = (count / min(len(query), len(words)), count)
                if count >= min(matching.MIN_SHARED, len(query)) and rank > best.get(
                    item["id"], (0.0, 0)
                ):
                    best[item["id"]] = rank
    wanted = max(CANDIDATES, matching.PER_RESULT * limit)
    chosen = set(sorted(best, key=lambda c: (-best[c][0], -best[c][1], c))[:wanted])
    scored = [
        (item, matching._score(lookup.queries, item, SEARCH_THRESHOLD))
        for item in rows
        if item["id"] in chosen and item["article"] != exclude
    ]
    found = sorted(
        ((item, score) for item, score in scored if score),
        key=lambda pair: (-pair[1], pair[0]["seen"] or "", pair[0]["id"]),
    )
    return [(item["id"], score) for item, score in found[:limit]]


def test_search_and_similar_find_what_scoring_every_claim_would(desk: str) -> None:
    """On both backends: the forms ranked where they are, the best claims read for them (at
    most ``limit`` of one text), give what ranking and scoring every claim gives."""
    rng = random.Random(17)
    vocabulary = [word(rng) for _ in range(40)]
    texts = [
        " ".join(["The", *rng.sample(vocabulary, rng.randint(3, 9))])
        + rng.choice([".", ", and they said so.", "; the count rose 12 percent."])
        for _ in range(60)
    ]
    results = []
    for n in range(30):  # a claim repeated in many articles, word for word or nearly
        chosen = rng.sample(texts, 6) + [rng.choice(texts[:5]) for _ in range(4)]
        results.append(article(list(dict.fromkeys(chosen)), f"Report {n}"))
    store = open_store(desk)
    store.save_scans(results)
    claims = store.claims()
    queries = [" ".join(rng.sample(vocabulary, n)) for n in (1, 2, 3, 6, 12)]
    for query in [*rng.sample(texts, 12), *queries, f"Zanzibar {queries[2]} quokka"]:
        for limit in (1, 3, 20):
            expected = exhaustive_find(claims, query, limit)
            assert [(m.id, m.score) for m in store.search(query, limit=limit)] == expected
    for claim in rng.sample(claims, 10):
        expected = exhaustive_find(claims, claim.claim or claim.text, 3, exclude=claim.article)
        assert [(m.id, m.score) for m in store.similar(claim.id, limit=3)] == expected
