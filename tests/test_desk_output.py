"""What the desk's listings show people: order, cut-short lists, claims named in full."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from claimtrack.cli import app

FIXTURES = Path(__file__).parent / "fixtures"
ARTICLE = FIXTURES / "desk_pakistan_russia.txt"
WIDE = {"COLUMNS": "200"}


def run(*args: str, input: str | None = None) -> Any:
    result = CliRunner().invoke(app, list(args), input=input, env=WIDE)
    assert result.exit_code == 0, result.stderr
    return result


def listed(*args: str) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = json.loads(run(*args, "--json").stdout)
    return records


def test_claims_are_listed_most_check_worthy_first(desk: str) -> None:
    run("scan", "--all", str(ARTICLE))
    scores = [c["score"] for c in listed("claims")]
    assert len(scores) > 3 and scores == sorted(scores, reverse=True)
    by_id = [c["id"] for c in listed("claims", "--sort", "id")]
    assert by_id == sorted(by_id)


def test_a_list_cut_short_says_how_many_there_were(desk: str) -> None:
    run("scan", "--all", str(ARTICLE))
    every = listed("claims")
    top = listed("claims", "--limit", "3")
    assert top == every[:3]
    table = run("claims", "--limit", "3").stdout
    assert f"showing 3 of {len(every)} claims" in table
    assert "showing" not in run("claims").stdout


def test_an_unknown_sort_is_a_usage_error(desk: str) -> None:
    result = CliRunner().invoke(app, ["claims", "--sort", "colour"])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: unknown sort 'colour'; sorts: score, status")


REPEATED = "The port of Easthaven handled 1.2 million containers in 2020, the director said.\n"


def three_reports(folder: Path) -> list[dict[str, Any]]:
    """Three articles that each carry the same claim; their claims, in article order."""
    for n, paper in enumerate(["Gazette", "Herald", "Courier"]):
        path = folder / f"{paper.lower()}.txt"
        path.write_text(f"Harbour news from the {paper}\n\n{REPEATED}", encoding="utf-8")
        run("scan", "--title", f"Harbour news {n}", str(path))
    return [c for c in listed("claims", "--sort", "article") if "Easthaven" in c["text"]]


def test_search_shows_claims_as_written_with_their_articles(desk: str, tmp_path: Path) -> None:
    three_reports(tmp_path)
    [first, *_] = listed("search", "Easthaven containers")
    assert first["claim"].startswith("The port of Easthaven handled 1.2 million containers")
    assert first["article"]["title"].startswith("Harbour news")
    assert first["article"]["source"].endswith(".txt")
    table = run("search", "Easthaven containers").stdout
    assert "Harbour news" in table and "The port of Easthaven" in table
    assert "easthaven handl" not in table  # not the stemmed form


def test_similarity_varies_with_how_alike_the_claims_are(desk: str, tmp_path: Path) -> None:
    three_reports(tmp_path)
    partial = listed("search", "Easthaven containers")[0]["similarity"]
    whole = listed("search", REPEATED.strip())[0]["similarity"]
    assert 0 < partial < whole == 100


def test_similar_says_how_many_it_found_in_all(desk: str, tmp_path: Path) -> None:
    claims = three_reports(tmp_path)
    table = run("similar", claims[0]["id"], "--limit", "1").stdout
    assert "showing 1 of 2 alike" in table


def test_empty_results_are_a_sentence(desk: str, tmp_path: Path) -> None:
    claims = three_reports(tmp_path)
    assert run("search", "Brazilian coffee harvest").stdout == (
        "No stored claim is alike to 'Brazilian coffee harvest'.\n"
    )
    run("scan", str(ARTICLE))
    lonely = next(c for c in listed("claims") if c["id"] not in {x["id"] for x in claims})
    assert run("similar", lonely["id"]).stdout.startswith("No claim in another article repeats")


def test_similar_offers_a_verdict_for_the_repeats_it_lists(desk: str, tmp_path: Path) -> None:
    claims = three_reports(tmp_path)
    result = run("similar", claims[0]["id"], "--mark", "disputed", input="y\n")
    listing, prompt = result.stdout.index("Harbour news"), result.stdout.index("Mark these 2")
    assert listing < prompt
    statuses = {c["id"]: c["status"] for c in listed("claims")}
    assert statuses[claims[0]["id"]] == "unverified"
    assert statuses[claims[1]["id"]] == statuses[claims[2]["id"]] == "disputed"


def test_contradiction_lines_name_both_claims(desk: str) -> None:
    out = run("scan", str(ARTICLE)).stdout
    line = next(line for line in out.splitlines() if line.startswith("⚠ 7972980d"))
    assert "between 2740b032 “We consider the foreign policy to be a zero sum game.” and " in line
    assert "412b51ad “Pakistan’s relations with the United States" in line
    report = run("report", "--limit", "1").stdout
    assert "2740b032 — Tasnim Aslam" in report and "412b51ad — Tasnim Aslam" in report


def articles(folder: Path, count: int) -> list[Path]:
    """``count`` small articles with two claims each."""
    paths = []
    for n in range(count):
        path = folder / f"story{n}.txt"
        path.write_text(
            f"Story {n}\n\nThe port handled {n + 2} million containers in 2020, the director said."
            f"\n\nThe council spent {n + 40} million euros on roads last year, officials said.\n",
            encoding="utf-8",
        )
        paths.append(path)
    return paths


def test_many_sources_end_with_a_summary_not_tables(desk: str, tmp_path: Path) -> None:
    paths = [str(p) for p in articles(tmp_path, 3)]
    out = run("scan", *paths).stdout
    assert "Scanned 3 articles" in out and "check-worthy" in out and "contradictions" in out
    assert "Story 0" not in out  # no per-article table
    verbose = run("scan", "--verbose", "--force", *paths).stdout
    assert all(f"Story {n}" in verbose for n in range(3)) and "Scanned 3 articles" in verbose


def test_unchanged_files_are_skipped_unless_forced(desk: str, tmp_path: Path) -> None:
    paths = articles(tmp_path, 3)
    run("scan", *map(str, paths))
    paths[1].write_text(paths[1].read_text() + "\nBus fares rose 25 per cent in 2022.\n")
    again = run("scan", *map(str, paths)).stdout
    assert "Scanned 1 article; 2 unchanged, skipped (--force rescans them)" in again
    assert "Scanned 3 articles\n" in run("scan", "--force", *map(str, paths)).stdout
    one = run("scan", str(paths[0])).stdout
    assert one == f"{paths[0]}: stored with this text already; skipped (--force)\n"


def test_a_scan_on_a_terminal_shows_a_bar_and_one_screen(
    desk: str, tmp_path: Path, terminal: Any
) -> None:
    import os

    paths = [str(p) for p in articles(tmp_path, 12)]
    env = os.environ | {"COLUMNS": "100", "LINES": "40"}
    code, screen, _ = terminal(["scan", *paths], env=env, merge_stderr=True)
    assert code == 0, screen
    assert "scanning" in screen  # the progress bar, drawn while the scan ran
    assert "Scanned 12 articles" in screen
    assert screen.count("\n") < 24  # one screen, not a table per article


def test_the_reports_queue_puts_the_most_check_worthy_first(desk: str) -> None:
    run("scan", str(FIXTURES / "review" / "council.txt"))
    every = sorted((c["score"] for c in listed("claims")), reverse=True)
    overview = json.loads(run("report", "--json", "--limit", "10").stdout)
    assert [c["score"] for c in overview["awaiting"]] == every[:10]
    assert f"showing 10 of {len(every)}" in run("report", "--limit", "10").stdout
