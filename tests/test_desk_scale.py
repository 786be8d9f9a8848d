"""Matching and the report on a synthetic database of many claims (slow: run with -m slow).

``CLAIMTRACK_BENCH_CLAIMS`` sets the size (default 100,000); timings are printed (-s to see).
"""

from __future__ import annotations

import os
import random
import time
from pathlib import Path

import pytest

from claimtrack.model import Claim, Metadata, ScanResult
from claimtrack.store import Filters, open_store, scans
from claimtrack.text import make_article

CLAIMS = int(os.environ.get("CLAIMTRACK_BENCH_CLAIMS", "100000"))
PER_ARTICLE = 20
SYLLABLES = ("ka", "lo", "mi", "ran", "tes", "por", "vu", "shen", "da", "gri", "nol", "ep")


def _vocabulary(rng: random.Random, size: int = 5000) -> list[str]:
    """Made-up words, so that the synthetic claims are as varied as news vocabulary."""
    return sorted({"".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))) for _ in range(size)})


WORDS = _vocabulary(random.Random(1))


def _sentence(rng: random.Random) -> str:
    words = rng.sample(WORDS, 9)
    number = rng.randint(2, 99_000)
    return f"The {words[0]} {words[1]} said {words[2]} {words[3]} rose by {number} in {words[4]} " \
        f"{words[5]} after {words[6]} {words[7]} {words[8]}."  # fmt: skip


def _article(rng: random.Random, number: int) -> ScanResult:
    sentences = [_sentence(rng) for _ in range(PER_ARTICLE)]
    text = f"Report {number}\n\n" + " ".join(sentences)
    article = make_article(text, "-", Metadata(title=f"Report {number}"))
    claims, at = [], text.index("\n\n") + 2
    for sentence in sentences:
        claims.append(Claim.from_span(article, at, at + len(sentence), score=0.9, checkworthy=True))
        at += len(sentence) + 1
    return ScanResult(article=article, claims=tuple(claims))


def _copy(result: ScanResult, number: int) -> ScanResult:
    """Another article with the same sentences, so that every claim repeats a stored one."""
    text = result.article.text.replace("Report", f"Copy {number} of report", 1)
    article = make_article(text, "-", Metadata(title=f"Copy {number}"))
    shift = len(text) - len(result.article.text)
    claims = tuple(
        Claim.from_span(article, c.start + shift, c.end + shift, score=0.9, checkworthy=True)
        for c in result.claims
    )
    return ScanResult(article=article, claims=claims)


@pytest.mark.slow
def test_matching_and_report_stay_fast_on_many_claims(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(7)
    store = open_store(tmp_path / "db")
    with monkeypatch.context() as building:  # linking is measured below, not while building
        building.setattr(scans, "link_repeats", lambda *args: [])
        results = [_article(rng, n) for n in range(CLAIMS // PER_ARTICLE)]
        for start in range(0, len(results), 500):
            store.save_scans(results[start : start + 500])
    timings = {}

    def timed(name: str, call: object) -> object:
        began = time.perf_counter()
        value = call()  # type: ignore[operator]
        timings[name] = time.perf_counter() - began
        return value

    target = store.claims(Filters(article=results[len(results) // 2].article.id))[4]
    found = timed("search", lambda: store.search(target.text))
    assert target.id in [f.id for f in found if f.score == 100]  # type: ignore[attr-defined]
    timed("similar", lambda: store.similar(target.id))
    timed("verify", lambda: store.mark([target.id], "verified"))
    timed(
        "show", lambda: (store.claim(target.id), store.history(target.id), store.links(target.id))
    )
    timed("dashboard", lambda: store.dashboard(20))
    timed("report articles", lambda: store.latest_articles(10))
    repeat = _article(rng, CLAIMS)
    timed("scan 20 new claims (with linking)", lambda: store.save_scans([repeat]))
    copy = _copy(repeat, CLAIMS + 1)
    [record] = timed("scan 20 repeated claims (linked)", lambda: store.save_scans([copy]))
    print(f"\n{CLAIMS} claims:", {k: f"{v * 1000:.1f} ms" for k, v in timings.items()})
    assert all(claim["id"] in store.earlier_verdicts([claim["id"]]) for claim in record["claims"])
    # Generous bounds: the figures printed are what to compare (under no load, all < 0.5 s).
    assert timings["search"] < 1.0 and timings["similar"] < 1.0
    assert timings["dashboard"] < 1.0 and timings["report articles"] < 1.0
    assert timings["verify"] < 1.0
    assert timings["scan 20 repeated claims (linked)"] < 2.0
