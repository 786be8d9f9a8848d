"""Claims repeated across articles (links, similar, search) and rescans of edited articles."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from claimtrack.cli import app
from claimtrack.store import Store, open_store
from claimtrack.store.matching import keys, normalise

FIXTURES = Path(__file__).parent / "fixtures"
ARTICLE = FIXTURES / "desk_pakistan_russia.txt"
REPEAT = FIXTURES / "desk_steel_mills.txt"


def run(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


def claim_with(store: Store, words: str, **filters: Any) -> dict[str, Any]:
    from claimtrack.store import Filters

    [found] = [c for c in store.claims(Filters(**filters)) if words in c.text]
    return found.to_json()


def test_normalise_ignores_case_stopwords_inflection_and_thousands() -> None:
    assert normalise("The Mills were CONSTRUCTED, employing 20,000 people") == (
        "mill construct employ 20000 people"
    )
    assert keys("Steel mills were built in Karachi, and they employed hundreds of workers")[1:] == [
        "steel mill built karachi",
        "employ hundred worker",
    ]


def test_repeated_claim_is_linked_with_the_earlier_verdict(desk: str) -> None:
    run("scan", str(ARTICLE))
    store = open_store(desk)
    original = claim_with(store, "Pakistan Steel Mills")
    run("verify", original["id"], "--note", "Built with Soviet help, 1973")
    run("scan", str(REPEAT))
    repeat = claim_with(open_store(desk), "Pakistan Steel Mills were constructed")
    assert [link["id"] for link in repeat["links"]] == [original["id"]]
    earlier = open_store(desk).earlier_verdicts([repeat["id"]])
    assert earlier[repeat["id"]][0].status == "verified"
    shown = json.loads(run("show", repeat["id"], "--json").stdout)
    assert shown["links"][0]["status"] == "verified"
    assert "also in" in run("show", repeat["id"]).stdout
    back = json.loads(run("show", original["id"], "--json").stdout)
    assert [link["id"] for link in back["links"]] == [repeat["id"]]


def test_unrelated_claims_are_not_linked(desk: str) -> None:
    run("scan", str(ARTICLE))
    run("scan", str(REPEAT))
    store = open_store(desk)
    union = claim_with(store, "production had fallen")
    assert union["links"] == []
    assert store.similar(union["id"]) == []


def test_similar_and_search(desk: str) -> None:
    run("scan", str(ARTICLE))
    run("scan", str(REPEAT))
    store = open_store(desk)
    repeat = claim_with(store, "Pakistan Steel Mills were constructed")
    similar = json.loads(run("similar", repeat["id"][:6], "--json").stdout)
    assert [s["id"] for s in similar] == [claim_with(store, "She cited the construction")["id"]]
    query = "Pakistan Steel Mills were constructed with Soviet assistance in the 1970s"
    found = json.loads(run("search", query, "--json").stdout)
    assert {f["id"] for f in found[:2]} == {similar[0]["id"], repeat["id"]}
    assert found[0]["similarity"] >= 90
    assert json.loads(run("search", "Brazilian coffee harvest", "--json").stdout) == []
    assert run("search", "steel mill", "--limit", "1").exit_code == 0


def test_articles_reads_those_asked_for_and_search_names_them(desk: str) -> None:
    run("scan", str(ARTICLE))
    run("scan", str(REPEAT))
    store = open_store(desk)
    every = store.articles()
    assert [a.id for a in store.articles({every[1].id, "feedface"})] == [every[1].id]
    assert store.articles([every[1].id, every[0].id]) == every and store.articles([]) == []
    found = json.loads(run("search", "Pakistan Steel Mills were constructed", "--json").stdout)
    sources = {a.id: a.source for a in every}
    assert {f["article"]["source"] for f in found} == set(sources.values())
    assert all(f["article"]["source"] == sources[f["article"]["id"]] for f in found)


def test_rescan_follows_moved_and_edited_claims_and_marks_removed(
    desk: str, tmp_path: Path
) -> None:
    article = tmp_path / "article.txt"
    shutil.copy(ARTICLE, article)
    # Every claim is stored (--all), so only the edits move or remove claims, not a score that
    # crosses the threshold when a neighbouring sentence changes.
    run("scan", "--all", str(article))
    store = open_store(desk)
    edited = claim_with(store, "Pakistan Steel Mills")
    moved = claim_with(store, "zero sum game")
    dropped = claim_with(store, "Shoigu")
    run("verify", edited["id"])
    run("dispute", moved["id"])
    text = article.read_text(encoding="utf-8")
    text = text.replace("in the 1970s as an example", "in the early 1970s as an example")
    text = text.replace(dropped["text"], "")
    text = text.replace("News Desk January 17, 2015\n", "News Desk January 17, 2015\nUpdated.\n")
    article.write_text(text, encoding="utf-8")
    assert run("scan", "--all", str(article)).exit_code == 0

    store = open_store(desk)
    after = claim_with(store, "early 1970s")
    assert after["id"] == edited["id"] and after["status"] == "verified"
    assert store.claim(moved["id"]).start != moved["start"]
    assert store.claim(moved["id"]).status == "disputed"
    assert store.claim(dropped["id"]).removed is True
    [rescan] = json.loads(run("diff", str(article), "--json").stdout)
    assert rescan["removed"] == [dropped["id"]]
    assert {m["id"]: m["edited"] for m in rescan["moved"]}[edited["id"]] is True
    assert moved["id"] in {m["id"] for m in rescan["moved"]}
    assert "removed" in run("diff", str(article)).stdout
    actions = [h.action for h in store.history(edited["id"])]
    assert actions == ["status", "edited"]
    assert [c.id for c in store.search("Shoigu defence minister visit")] == []
