"""``claimtrack eval`` and claimtrack.evaluation: the scorers' matching, on tiny labelled sets."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimtrack import Article, Claim, Speaker, hookimpl
from claimtrack.cli import app
from claimtrack.errors import UsageError
from claimtrack.evaluation import (
    average_precision,
    evaluate,
    norm_name,
    parse_ann,
    prf,
    span_match,
)
from claimtrack.plugins import PluginHost
from claimtrack.testing import make_host

DATA = Path(__file__).parent / "fixtures" / "eval"
runner = CliRunner()


class Digits:
    """Every sentence is a candidate; those with a digit are check-worthy; Ann Lee is a speaker."""

    @hookimpl
    def claimtrack_extract_claims(self, article: Article) -> Iterator[Claim]:
        for sentence in article.sentences:
            text = article.slice(sentence)
            worthy = any(ch.isdigit() for ch in text)
            speaker = None
            if "Ann Lee" in text:
                at = sentence.start + text.index("Ann Lee")
                speaker = Speaker("Ann Lee", "Ann Lee", at, at + len("Ann Lee"))
            yield Claim.from_span(
                article,
                sentence.start,
                sentence.end,
                score=0.9 if worthy else 0.1,
                checkworthy=worthy,
                speaker=speaker,
            )


@pytest.fixture
def host() -> PluginHost:
    return make_host(Digits())


def test_span_match_needs_half_of_either_span() -> None:
    assert span_match((0, 10), (5, 30))  # half of the predicted span
    assert span_match((0, 100), (0, 10))  # all of the gold span
    assert not span_match((0, 10), (8, 40))
    assert not span_match((0, 1001), (0, 1001))  # over-long predictions never match
    assert not span_match((5, 5), (0, 10))


def test_names_compare_without_case_or_punctuation() -> None:
    assert norm_name(' "Ann  Lee." ') == norm_name("ann lee") == "ann lee"
    assert norm_name(None) == ""


def test_average_precision_and_prf() -> None:
    assert average_precision([1, 0, 0, 1]) == pytest.approx(0.75)
    assert average_precision([0, 0]) == 0.0
    figures = {"precision": 0.5, "recall": 0.3333, "f1": 0.4, "tp": 1, "fp": 1, "fn": 2}
    assert prf(1, 1, 2) == figures


def test_brat_relations_keep_long_contents_and_their_sources() -> None:
    relations = parse_ann(DATA / "polnear" / "attributions" / "story_attr.ann")
    assert len(relations) == 2
    assert all(r["source"] for r in relations)


def test_gold_article(host: PluginHost) -> None:
    figures = evaluate(host, "gold", DATA / "gold" / "article.gold.json")
    assert figures["must_recall"] == 0.6667
    assert figures["must_missing"] == ["missing"]
    assert figures["speaker_accuracy"] == 1.0
    assert figures["not_claims_reported"] == []
    assert figures["claims_reported"] == 2
    assert figures["offset_errors"] == 0


def test_checkthat_sentences(host: PluginHost) -> None:
    figures = evaluate(host, "checkthat", DATA / "checkthat.tsv")
    assert (figures["tp"], figures["fp"], figures["fn"]) == (1, 1, 1)
    assert figures["f1"] == 0.5
    assert figures["sentences"] == 4


def test_transcripts_rank_lines_by_score(host: PluginHost) -> None:
    figures = evaluate(host, "transcripts", DATA / "transcripts")
    assert figures["map"] == 0.75
    assert figures["r_precision"] == 0.5
    assert figures["per_transcript_ap"] == {"debate.tsv": 0.75}


def test_news_scores_agreed_sentences_only(host: PluginHost) -> None:
    figures = evaluate(host, "news", DATA / "news")
    assert figures["agreed_sentences"] == 2
    assert (figures["tp"], figures["fp"], figures["fn"]) == (1, 0, 0)
    assert figures["speaker_accuracy"] == 1.0
    assert figures["named_speaker_n"] == 1
    assert figures["furniture_reported"] == 0


def test_polnear_claimers_and_coverage(host: PluginHost) -> None:
    figures = evaluate(host, "polnear", DATA / "polnear")
    assert figures["gold_relations"] == 2
    assert figures["content_coverage"] == 0.5
    assert figures["claimer_recall"] == 0.5
    assert figures["claimer_precision"] == 1.0
    assert figures["claimer_f1"] == 0.6667


def test_wrong_layout_is_a_usage_error(host: PluginHost, tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        evaluate(host, "news", tmp_path)
    with pytest.raises(UsageError):
        evaluate(host, "bogus", tmp_path)


def test_plugin_failures_are_counted(tmp_path: Path) -> None:
    class Broken:
        @hookimpl
        def claimtrack_extract_claims(self, article: Article) -> None:
            raise RuntimeError("boom")

    figures = evaluate(make_host(Broken(), Digits()), "checkthat", DATA / "checkthat.tsv")
    assert figures["plugin_errors"] == 4
    assert figures["tp"] == 1


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CLAIMTRACK_DB", str(tmp_path / "db"))
    monkeypatch.delenv("CLAIMTRACK_DISABLE_PLUGINS", raising=False)
    monkeypatch.delenv("CLAIMTRACK_PLUGINS_DIR", raising=False)


@pytest.mark.usefixtures("cli_env")
def test_cli_prints_json_figures() -> None:
    args = ["eval", "--format", "checkthat", str(DATA / "checkthat.tsv"), "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert figures["format"] == "checkthat"
    assert {"precision", "recall", "f1"} <= figures.keys()


@pytest.mark.usefixtures("cli_env")
@pytest.mark.parametrize(
    "source",
    [
        "import claimtrack_no_such_module\n",
        "from claimtrack import hookimpl\n\n"
        "@hookimpl\ndef claimtrack_extract_claims(article):\n    raise RuntimeError('boom')\n",
    ],
    ids=["fails to load", "raises"],
)
def test_cli_prints_figures_and_exits_3_when_a_plugin_fails(tmp_path: Path, source: str) -> None:
    (tmp_path / "plugins").mkdir()
    (tmp_path / "plugins" / "bad.py").write_text(source)
    args = ["eval", "--format", "checkthat", str(DATA / "checkthat.tsv"), "--json"]
    result = runner.invoke(app, [*args, "--plugins-dir", str(tmp_path / "plugins")])
    assert result.exit_code == 3, result.output
    assert "f1" in json.loads(result.stdout)
    assert "bad" in result.stderr or "failed" in result.stderr


@pytest.mark.usefixtures("cli_env")
def test_cli_compares_two_plugin_sets(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "eval",
            "--format",
            "news",
            str(DATA / "news"),
            "--json",
            "--compare-disable",
            "checkworthiness",
        ],
    )
    assert result.exit_code == 0, result.output
    runs = json.loads(result.stdout)["runs"]
    assert runs["A"]["disabled"] == []
    assert runs["B"]["disabled"] == ["checkworthiness"]
    assert "f1" in runs["B"]["figures"]
    assert not (tmp_path / "db").exists()


@pytest.mark.usefixtures("cli_env")
def test_cli_table_shows_both_runs() -> None:
    result = runner.invoke(
        app,
        [
            "eval",
            "--format",
            "transcripts",
            str(DATA / "transcripts"),
            "--disable",
            "checkworthiness",
            "--compare-disable",
            "contradictions",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "map" in result.stdout
    assert "B − A" in result.stdout


@pytest.mark.usefixtures("cli_env")
def test_cli_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["eval", "--format", "gold", str(tmp_path / "nope.json")])
    assert result.exit_code == 2


@pytest.mark.usefixtures("cli_env")
def test_cli_run_b_blocks_both_disable_lists() -> None:
    result = runner.invoke(
        app,
        [
            "eval",
            "--format",
            "news",
            str(DATA / "news"),
            "--json",
            "--disable",
            "checkworthiness",
            "--compare-disable",
            "sentences",
        ],
    )
    assert result.exit_code == 0, result.output
    runs = json.loads(result.stdout)["runs"]
    assert runs["A"]["disabled"] == ["checkworthiness"]
    assert runs["B"]["disabled"] == ["checkworthiness", "sentences"]
    alone = runner.invoke(
        app,
        [
            "eval",
            "--format",
            "news",
            str(DATA / "news"),
            "--json",
            "--disable",
            "checkworthiness",
            "--disable",
            "sentences",
        ],
    )
    both = json.loads(alone.stdout)
    assert both["disabled"] == ["checkworthiness", "sentences"]
    for key in ("tp", "fp", "fn", "precision", "recall", "f1"):
        assert runs["B"]["figures"][key] == both[key]
    assert runs["B"]["figures"]["tp"] == 0  # no extractor left in run B
    assert runs["A"]["figures"]["tp"] > 0


@pytest.mark.usefixtures("cli_env")
def test_cli_labels_plugins_disabled_by_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMTRACK_DISABLE_PLUGINS", "contradictions")
    monkeypatch.setenv("COLUMNS", "200")
    args = [
        "eval",
        "--format",
        "transcripts",
        str(DATA / "transcripts"),
        "--compare-disable",
        "checkworthiness",
    ]
    runs = json.loads(runner.invoke(app, [*args, "--json"]).stdout)["runs"]
    assert runs["A"]["disabled"] == [] and runs["A"]["disabled_by_env"] == ["contradictions"]
    assert runs["B"]["disabled"] == ["checkworthiness"]
    assert runs["B"]["disabled_by_env"] == ["contradictions"]
    table = runner.invoke(app, args).stdout
    assert "A (disabled: contradictions (env))" in table
    assert "B (disabled: checkworthiness, contradictions (env))" in table
    assert "disabled in every run by CLAIMTRACK_DISABLE_PLUGINS: contradictions" in table
    assert "none" not in table


@pytest.mark.usefixtures("cli_env")
def test_cli_warns_about_names_that_match_no_plugin() -> None:
    result = runner.invoke(
        app,
        [
            "eval",
            "--format",
            "checkthat",
            str(DATA / "checkthat.tsv"),
            "--json",
            "--disable",
            "sentence",
            "--compare-disable",
            "claimtypes",
            "--compare-disable",
            "nosuch",
        ],
    )
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 2, result.stderr
    assert "--disable sentence:" in warnings[0]
    assert "--compare-disable nosuch:" in warnings[1]


def test_eval_names_sources_that_were_not_utf8(host: PluginHost, tmp_path: Path) -> None:
    folder = tmp_path / "news"
    shutil.copytree(DATA / "news", folder)
    story = folder / "text" / "story.txt"
    story.write_bytes(story.read_text(encoding="utf-8").encode("utf-16"))
    figures = evaluate(host, "news", folder)
    assert {s: m.decoded_as for s, m in figures.pop("decoded").items()} == {
        str(story): "UTF-16 (byte-order mark)"
    }
    assert figures.pop("seconds") >= 0
    utf8 = evaluate(host, "news", DATA / "news")
    assert figures == {k: v for k, v in utf8.items() if k != "seconds"}
    result = runner.invoke(app, ["eval", str(folder), "--format", "news", "--json"])
    assert result.exit_code in (0, 3), result.stderr
    assert f"warning: {story}: not UTF-8, decoded as UTF-16 (byte-order mark)\n" in result.stderr
    assert "decoded" not in json.loads(result.stdout)
