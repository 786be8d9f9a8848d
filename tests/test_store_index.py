"""The sharded claim and match indexes: migration, rebuilding, checking and candidate selection."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import claimtrack.store as store_module
from claimtrack import recovery
from claimtrack.cli import app
from claimtrack.matching import CANDIDATES, MatchIndex, keys
from claimtrack.model import Claim, Metadata, ScanResult, Speaker
from claimtrack.store import SCHEMA, Filters, Store
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


def test_schema_1_database_is_migrated_on_first_use(tmp_path: Path) -> None:
    root = tmp_path / "db"
    shutil.copytree(FIXTURES / "db_schema1", root)
    assert (root / "index" / "6.json").exists() and (root / "match" / "6.json").exists()
    store = Store(root)
    verified = store.claim("6cbd")
    assert verified["status"] == "verified"
    assert not (root / "index" / "6.json").exists() and not (root / "match" / "6.json").exists()
    assert (root / "index" / "6c.json").exists() and (root / "match" / "claims").is_dir()
    found = store.search("Pakistan Steel Mills were constructed with Soviet help in the 1970s")
    assert verified["id"] in [f["id"] for f in found]
    assert store.claim("2740")["status"] == "disputed"
    assert store.dashboard()["awaiting_total"] == store.summary()["claims"] - 2
    report = recovery.check(root)
    assert report.ok, report.problems
    with store.transaction() as tx:
        assert tx.db("catalog.json").table("meta").get(doc_id=1)["schema"] == SCHEMA


def test_reindex_repairs_a_damaged_match_index(db_path: Path) -> None:
    assert run("scan", str(FIXTURES / "desk_pakistan_russia.txt")).exit_code == 0
    claim = Store(db_path).claims()[0]
    rows = db_path / "match" / "claims" / f"{claim['id'][:3]}.json"
    rows.write_bytes(b'{"claims": {}}')
    with Store(db_path).transaction() as tx:  # a count made wrong by an older claimtrack
        tx.db("catalog.json").table("articles").update({"statuses": {"unverified": 99}})
    problems = match_problems(db_path)
    assert any("missing from the match index" in p for p in problems)
    assert any("postings are not those of the rows" in p for p in problems)
    assert run("db", "check").exit_code == 1
    result = run("db", "reindex", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["claims"] == len(Store(db_path).claims())
    assert recovery.check(db_path).ok
    assert claim["id"] in [f["id"] for f in Store(db_path).search(claim["text"])]
    assert run("db", "reindex", "--db", str(db_path / "nothing")).exit_code == 1


def test_check_finds_a_posting_missing_from_a_word_file(db_path: Path) -> None:
    assert run("scan", str(FIXTURES / "desk_pakistan_russia.txt")).exit_code == 0
    assert match_problems(db_path) == []
    shard = max((db_path / "match" / "words").glob("*.json"), key=lambda p: p.stat().st_size)
    tables = json.loads(shard.read_text(encoding="utf-8"))
    word = next(iter(tables["words"]))
    tables["words"][word].popitem()
    shard.write_text(json.dumps(tables), encoding="utf-8")
    [problem] = match_problems(db_path)
    assert "1 word files whose postings are not those of the rows" in problem
    assert shard.name in problem


def test_speaker_counts_follow_verdicts(tmp_path: Path) -> None:
    store = Store(tmp_path / "db")
    sentences = [
        "The harbour authority said cargo volumes rose 12 percent in the first quarter.",
        "Officials expect the new terminal to open in March with 400 workers.",
    ]
    [record] = store.save_scans([article(sentences, "Harbour", speaker="Ana Costa")])
    ids = [c["id"] for c in record["claims"]]
    store.mark(ids, "false")
    assert store.dashboard()["speakers"] == [("Ana Costa", 2)]
    store.mark([ids[0]], "verified")
    assert store.dashboard()["speakers"] == [("Ana Costa", 1)]
    store.undo()
    assert store.dashboard()["speakers"] == [("Ana Costa", 2)]
    assert match_problems(tmp_path / "db") == []


def test_rescans_keep_the_match_index_in_step(tmp_path: Path) -> None:
    store = Store(tmp_path / "db")
    source = tmp_path / "a.txt"
    text = (
        "The harbour authority said cargo volumes rose 12 percent in the first quarter. "
        "Officials expect the new terminal to open in March with 400 workers. "
        "Dredging of the channel cost 30 million euros last year."
    )

    def scanned(body: str) -> list[dict[str, Any]]:
        source.write_text(body, encoding="utf-8")
        made = make_article(body, str(source))
        spans, at = [], 0
        for sentence in body.split(". "):
            end = at + len(sentence.rstrip("."))
            spans.append(Claim.from_span(made, at, end, score=0.9, checkworthy=True))
            at = body.find(". ", at) + 2 if ". " in body[at:] else len(body)
        return store.save_scans([ScanResult(article=made, claims=tuple(spans))])[0]["claims"]

    first = scanned(text)
    store.mark([first[0]["id"]], "disputed")
    replaced = "Dredging of the channel cost 30 million euros last year."
    second = scanned(
        text.replace("12 percent", "13 percent").replace(replaced, "A ferry line opens in June.")
    )
    assert match_problems(tmp_path / "db") == []
    found = store.search("cargo volumes rose 13 percent in the first quarter")
    assert found[0]["id"] == first[0]["id"] and found[0]["status"] == "disputed"
    assert store.claim(first[2]["id"])["removed"]
    assert first[2]["id"] not in [f["id"] for f in store.search("Dredging channel cost euros")]
    assert [f["id"] for f in store.search("ferry line opens June")] == [second[2]["id"]]


def test_common_words_and_many_copies_still_find_the_best_matches(tmp_path: Path) -> None:
    rng = random.Random(3)
    store = Store(tmp_path / "db")
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
    assert len(found) == 5 and {f["score"] for f in found} == {100.0}
    copy = store.claims(Filters(article=copies[0].article.id))[0]
    similar = store.similar(copy["id"], limit=len(copies))
    assert len(similar) == len(copies) - 1 and all(s["score"] == 100.0 for s in similar)
    assert copy["id"] not in [s["id"] for s in similar]
    needle = store.claims(Filters(article=filler[7].article.id))[4]
    assert store.search(needle["text"], limit=1)[0]["id"] == needle["id"]
    with store.transaction() as tx:
        index = MatchIndex(tx)
        picked = index._candidates(keys(common), 10)
    assert len(picked) == 10  # 300 claims share those words; only the best few are scored


def test_dashboard_lists_the_oldest_pending_claims_across_articles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = iter(f"2024-01-{day:02d}T10:00:00+00:00" for day in range(1, 29))
    monkeypatch.setattr(store_module, "now", lambda: next(clock))
    rng = random.Random(5)
    store = Store(tmp_path / "db")
    for n in range(6):
        sentences = [f"The {word(rng)} {word(rng)} rose {n + 2} percent." for _ in range(3)]
        store.save_scans([article(sentences, f"Report {n}")])
    claims = store.claims()
    store.mark([c["id"] for c in claims[:4]], "verified")
    store.mark([claims[5]["id"]], "in progress")
    overview = store.dashboard(limit=4)
    pending = sorted(
        (c for c in store.claims() if c["status"] in ("unverified", "in progress")),
        key=lambda c: (c["first_seen"], c["id"]),
    )
    assert [c["id"] for c in overview["awaiting"]] == [c["id"] for c in pending[:4]]
    assert overview["awaiting_total"] == len(pending)
