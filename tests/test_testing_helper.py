"""``claimtrack.testing.run_plugins``: a plugin on a text, in a fresh host, nothing stored."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from claimtrack import Article, Claim, PluginError, hookimpl
from claimtrack.testing import TEST_SOURCE, make_host, run_plugins

EXAMPLE = Path(__file__).parent.parent / "examples" / "promises" / "claimtrack_promises.py"


class Numbers:
    """An extractor written as an object with a hook method."""

    @hookimpl
    def claimtrack_extract_claims(self, article: Article) -> Iterator[Claim]:
        for sentence in article.sentences:
            if any(ch.isdigit() for ch in article.slice(sentence)):
                yield Claim.from_span(article, sentence.start, sentence.end, type="quantity")


class Broken:
    @hookimpl
    def claimtrack_extract_claims(self, article: Article) -> list[Claim]:
        raise RuntimeError("boom")


class Misspelt:
    @hookimpl
    def claimtrack_extract_claim(self, article: Article) -> None:
        return None


def test_runs_only_the_given_plugin() -> None:
    result = run_plugins("Prices rose 4% in May. It rained.", Numbers())
    assert [c.text for c in result.claims] == ["Prices rose 4% in May."]
    assert result.claims[0].extractor == "Numbers"
    assert result.article.source == TEST_SOURCE


def test_title_sets_the_metadata() -> None:
    result = run_plugins("Prices rose 4%.", Numbers(), title="Prices")
    assert result.article.metadata.title == "Prices"


def test_a_raising_plugin_is_reported_not_raised() -> None:
    result = run_plugins("Prices rose 4%.", Broken(), Numbers())
    assert [e.plugin for e in result.errors] == ["Broken"]
    assert "boom" in result.errors[0].message
    assert len(result.claims) == 1


def test_a_misspelt_hook_fails_loudly() -> None:
    with pytest.raises(PluginError, match="unknown hook"):
        run_plugins("Prices rose 4%.", Misspelt())


def test_bundled_plugins_run_beside_yours() -> None:
    alone = make_host(Numbers())
    together = make_host(Numbers(), bundled=True)
    assert set(alone.infos) == {"loader", "Numbers"}
    assert {"Numbers", "sentences"} <= set(together.infos)


def test_two_plugins_of_one_class_get_distinct_names() -> None:
    host = make_host(Numbers(), Numbers())
    assert set(host.infos) == {"loader", "Numbers", "Numbers-2"}


def test_modules_can_be_given_by_name() -> None:
    result = run_plugins("Prices rose 4%. We think so.", "claimtrack_plugins.sentences")
    assert {c.extractor for c in result.claims} == {"sentences"}


def test_never_touches_the_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMTRACK_DB", str(tmp_path / "db"))
    run_plugins("Prices rose 4%.", Numbers(), bundled=True)
    assert not (tmp_path / "db").exists()


def _load_example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("claimtrack_promises", EXAMPLE)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("claimtrack_promises", module)
    spec.loader.exec_module(module)
    return module


def test_tutorial_example_finds_promises() -> None:
    promises = _load_example()
    result = run_plugins("Taxes rose. We will cut them by 2030.", promises)
    assert [c.text for c in result.claims] == ["We will cut them by 2030."]
    assert result.claims[0].details["promise"] == ["We will", "by 2030"]
