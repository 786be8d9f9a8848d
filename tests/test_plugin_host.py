"""Plugin discovery, blocking and isolation: a broken plugin fails alone."""

from __future__ import annotations

import signal
import sys
import textwrap
import time
from dataclasses import replace
from pathlib import Path

import pytest

from claimtrack import Claim, Speaker
from claimtrack.pipeline import scan_article
from claimtrack.plugins import PluginTimeout, load_plugins, time_limit, time_limits
from claimtrack.text import make_article

ARTICLE = make_article("The mill was built in 1973. Officials said it cost 2 million rupees.", "t")

GOOD = """
from claimtrack import Claim, hookimpl

@hookimpl
def claimtrack_extract_claims(article):
    for s in article.sentences:
        yield Claim.from_span(article, s.start, s.end, type="quantity")
"""


def write_plugin(folder: Path, name: str, body: str) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / f"{name}.py"
    path.write_text(textwrap.dedent(body))
    return path


def test_bundled_plugins_load_under_their_package_name() -> None:
    host = load_plugins(entry_points=False)
    assert host.infos["sentences"].origin == "bundled"
    assert "claimtrack_plugins.sentences" in sys.modules
    assert "plugins" not in sys.modules


def test_core_loader_registered_first_as_core() -> None:
    host = load_plugins(bundled=False, entry_points=False)
    assert list(host.infos) == ["loader"]
    assert host.infos["loader"].origin == "core"


def test_plugins_dir_plugin_extracts_and_is_named_as_extractor(tmp_path: Path) -> None:
    write_plugin(tmp_path / "p", "numbers", GOOD)
    host = load_plugins(bundled=False, entry_points=False, plugins_dir=tmp_path / "p")
    result = scan_article(host, ARTICLE)
    assert [c.extractor for c in result.claims] == ["numbers", "numbers"]
    assert {c.type for c in result.claims} == {"quantity"}
    assert host.infos["numbers"].origin == str(tmp_path / "p" / "numbers.py")


def test_plugin_with_syntax_error_fails_alone(tmp_path: Path) -> None:
    write_plugin(tmp_path / "p", "broken", "def oops(:\n")
    write_plugin(tmp_path / "p", "numbers", GOOD)
    host = load_plugins(bundled=False, entry_points=False, plugins_dir=tmp_path / "p")
    assert host.infos["broken"].status == "failed"
    assert "SyntaxError" in (host.infos["broken"].error or "")
    assert len(scan_article(host, ARTICLE).claims) == 2


def test_misspelt_hook_is_reported_not_ignored(tmp_path: Path) -> None:
    write_plugin(
        tmp_path / "p",
        "typo",
        "from claimtrack import hookimpl\n@hookimpl\n"
        "def claimtrack_extract_claim(article):\n    return []\n",
    )
    host = load_plugins(bundled=False, entry_points=False, plugins_dir=tmp_path / "p")
    assert host.infos["typo"].status == "failed"
    assert "claimtrack_extract_claim" in (host.infos["typo"].error or "")


def test_raising_plugin_is_reported_and_others_results_kept(tmp_path: Path) -> None:
    write_plugin(tmp_path / "p", "numbers", GOOD)
    write_plugin(
        tmp_path / "p",
        "raiser",
        "from claimtrack import hookimpl\n@hookimpl\ndef claimtrack_extract_claims(article):\n"
        "    raise RuntimeError('boom')\n",
    )
    host = load_plugins(bundled=False, entry_points=False, plugins_dir=tmp_path / "p")
    result = scan_article(host, ARTICLE)
    assert len(result.claims) == 2
    assert [(e.plugin, "boom" in e.message) for e in result.errors] == [("raiser", True)]


def test_garbage_and_out_of_range_results_are_rejected(tmp_path: Path) -> None:
    write_plugin(
        tmp_path / "p",
        "garbage",
        """
        from dataclasses import replace
        from claimtrack import Claim, hookimpl

        @hookimpl
        def claimtrack_extract_claims(article):
            good = Claim.from_span(article, 0, 5)
            return ["not a claim", replace(good, start=0, end=10_000), good]
        """,
    )
    host = load_plugins(bundled=False, entry_points=False, plugins_dir=tmp_path / "p")
    result = scan_article(host, ARTICLE)
    assert [c.text for c in result.claims] == ["The m"]
    assert len(result.errors) == 2
    assert all(e.plugin == "garbage" for e in result.errors)


def test_hanging_plugin_is_stopped(tmp_path: Path) -> None:
    write_plugin(
        tmp_path / "p",
        "sleeper",
        "import time\nfrom claimtrack import hookimpl\n@hookimpl\n"
        "def claimtrack_extract_claims(article):\n    time.sleep(30)\n",
    )
    host = load_plugins(bundled=False, entry_points=False, plugins_dir=tmp_path / "p", timeout=0.3)
    result = scan_article(host, ARTICLE)
    assert "longer than" in result.errors[0].message


def test_disable_by_option_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    host = load_plugins(disable=["sentences"], entry_points=False)
    assert host.infos["sentences"].status == "disabled"
    monkeypatch.setenv("CLAIMTRACK_DISABLE_PLUGINS", "checkworthiness, sentences")
    host = load_plugins(entry_points=False)
    assert host.infos["checkworthiness"].status == "disabled"
    assert not scan_article(host, ARTICLE).claims


def test_plugins_dir_from_environment_and_never_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_plugin(tmp_path, "numbers", GOOD)
    monkeypatch.chdir(tmp_path)
    assert "numbers" not in load_plugins(entry_points=False).infos
    monkeypatch.setenv("CLAIMTRACK_PLUGINS_DIR", str(tmp_path))
    assert load_plugins(entry_points=False).infos["numbers"].status == "loaded"


def test_entry_point_plugin_from_installed_distribution(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    write_plugin(site, "ct_fake_numbers", GOOD)
    info = site / "ct_fake_numbers-1.2.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: ct-fake-numbers\nVersion: 1.2\n")
    (info / "entry_points.txt").write_text("[claimtrack]\nfakenumbers = ct_fake_numbers\n")
    monkeypatch.syspath_prepend(str(site))
    host = load_plugins(bundled=False)
    assert host.infos["fakenumbers"].origin == "ct-fake-numbers==1.2"
    assert [c.extractor for c in scan_article(host, ARTICLE).claims] == ["fakenumbers"] * 2


def test_contradiction_plugins_can_ask_pair_scorers(tmp_path: Path) -> None:
    write_plugin(tmp_path / "p", "numbers", GOOD)
    write_plugin(
        tmp_path / "p",
        "nli",
        "from claimtrack import hookimpl\n@hookimpl\n"
        "def claimtrack_score_pair(article, a, b):\n    return 0.9\n",
    )
    write_plugin(
        tmp_path / "p",
        "pairs",
        """
        import claimtrack
        from claimtrack import Contradiction, hookimpl

        @hookimpl
        def claimtrack_find_contradictions(article, claims):
            a, b = claims
            if claimtrack.score_pair(article, a, b) > 0.5:
                yield Contradiction.between(a, b, "model", "the model says so")
        """,
    )
    host = load_plugins(bundled=False, entry_points=False, plugins_dir=tmp_path / "p")
    [found] = scan_article(host, ARTICLE).contradictions
    assert (found.kind, found.extractor) == ("model", "pairs")
    assert claimtrack_score_pair_outside_a_scan() is None


def claimtrack_score_pair_outside_a_scan() -> float | None:
    import claimtrack

    claim = ARTICLE.sentences[0]
    made = claimtrack.Claim.from_span(ARTICLE, claim.start, claim.end)
    return claimtrack.score_pair(ARTICLE, made, made)


def test_enrichers_run_in_turn_on_each_others_output(tmp_path: Path) -> None:
    write_plugin(tmp_path / "p", "numbers", GOOD)
    enricher = """
        from claimtrack import hookimpl

        @hookimpl{order}
        def claimtrack_enrich_claims(claims):
            return [c.evolve(claim=c.claim + "{mark}") for c in claims]
    """
    write_plugin(tmp_path / "p", "early", enricher.format(order="(tryfirst=True)", mark="1"))
    write_plugin(tmp_path / "p", "late", enricher.format(order="(trylast=True)", mark="2"))
    host = load_plugins(bundled=False, entry_points=False, plugins_dir=tmp_path / "p")
    claims = scan_article(host, ARTICLE).claims
    assert all(c.claim.endswith("12") for c in claims)


def test_a_limit_inside_another_keeps_the_outer_one() -> None:
    began = time.monotonic()
    with pytest.raises(PluginTimeout), time_limit(0.3):
        with time_limit(5):
            pass  # a plugin asking the core to score a pair, say
        time.sleep(3)
    assert time.monotonic() - began < 2


def test_time_limits_install_the_handler_once_and_restore_it() -> None:
    before = signal.getsignal(signal.SIGALRM)
    with time_limits():
        installed = signal.getsignal(signal.SIGALRM)
        for _ in range(3):
            with time_limit(1):
                assert signal.getsignal(signal.SIGALRM) is installed
    assert signal.getsignal(signal.SIGALRM) is before
    with pytest.raises(PluginTimeout), time_limit(0.2):
        time.sleep(2)  # without time_limits around it, a limit installs the handler itself
    assert signal.getsignal(signal.SIGALRM) is before


def test_evolve_is_dataclasses_replace() -> None:
    claim = Claim.from_span(ARTICLE, 0, 27, score=0.7, speaker=Speaker("Ada"), details={"k": 1})
    assert claim.evolve(type="event", score=0.2) == replace(claim, type="event", score=0.2)
    assert claim.evolve() == claim and claim.evolve() is not claim
    with pytest.raises(TypeError):
        claim.evolve(colour="red")
    with pytest.raises(ValueError, match="span is fixed"):
        claim.evolve(start=1)
